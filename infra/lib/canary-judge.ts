import { Aws, CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  DEFAULT_LAUNCH_OVERRIDES,
  formatLaunchOverrides,
  LAUNCH_OVERRIDES_ENV,
  parseLaunchOverrides,
  type LaunchOverride,
} from '../../shared/config/launch-overrides';
import { buildDefinition, TASK_NAMES, type TaskName } from '../../state-machines/definition';
import { FUNCTION_ENV } from './function-env';
import { HandlerFunction } from './handler-function';
import {
  autoScalingPromote,
  fleetLaunch,
  fleetRegister,
  fleetTeardown,
  listenerRuleCreate,
  listenerRuleDelete,
  listenerRuleModify,
  loadBalancerRead,
  metricsRead,
  passInstanceRole,
  putVerdictEvents,
  readExecutions,
  readSecretsByNamePrefix,
  reportObjects,
  type LaunchScope,
  type Permission,
} from './permissions';
import { acknowledge, acknowledgeWildcards } from './nag';
import { RunApi } from './run-api';

/**
 * canary-judge on AWS: the run state machine and its functions, the run API (webhook + status +
 * approval), the report bucket, and the clean-up of runs that end without reaching their own teardown.
 * Put it in your own CDK app, or deploy the default `CanaryJudgeStack`.
 */

export interface CanaryJudgeProps {
  /** Listener ARNs runs may add their weighted rule to. Runs naming another listener are refused by IAM. */
  readonly listenerArns: string[];
  /** Prefix of the names people see (state machine, API). Default `canary-judge`. */
  readonly namePrefix?: string;
  /**
   * Secret holding a Slack incoming-webhook URL. Runs name it in `notifications.slack.webhookSecretArn`;
   * notify and cleanup may read it.
   */
  readonly slackWebhookSecret?: ISecret;
  /**
   * For Slack secrets named per run (`notifications.slack.webhookSecretArn`): notify and cleanup may read
   * every secret whose name starts with this prefix, e.g. `canary-judge/slack/`.
   */
  readonly slackWebhookSecretNamePrefix?: string;
  /**
   * For the webhook promote strategy's signing secret (`promote.secretArn`, per run): promote may read every
   * secret whose name starts with this prefix, e.g. `canary-judge/promote/`.
   */
  readonly promoteWebhookSecretNamePrefix?: string;
  /** HMAC secret of the run API; default: a generated 64-character secret. */
  readonly webhookSecret?: ISecret;
  /** Days reports are kept in the report bucket. Default 90. */
  readonly reportRetentionDays?: number;
  /** Retention of the functions', the state machine's and the API's logs. Default one month. */
  readonly logRetention?: RetentionDays;
  /** Powertools log level of the functions. Default INFO. */
  readonly logLevel?: string;
  /**
   * Roles of instance profiles in the services' launch templates: iam:PassRole to EC2 for provision
   * (RunInstances) and, with autoScalingGroupNames, for promote (Auto Scaling checks it).
   */
  readonly instanceRoleArns?: string[];
  /**
   * The launch templates runs may launch from and promote may add versions to (ARNs). Default: the launch
   * templates of this account tagged with `launchTemplateTag`.
   */
  readonly launchTemplateArns?: string[];
  /** The tag a launch template must carry when `launchTemplateArns` is not given. Default `canary-judge:allowed` = `true`. */
  readonly launchTemplateTag?: { key: string; value: string };
  /**
   * Owners of the AMIs instances may boot (condition `ec2:Owner`): account ids, `amazon`, `aws-marketplace`.
   * Default: this account and `amazon`.
   */
  readonly imageOwners?: string[];
  /** VPCs instances may be launched into (condition `ec2:Vpc` on subnets, security groups, interfaces). Default: any. */
  readonly vpcIds?: string[];
  /** Subnets instances may be launched into (subnet ids). Default: any (of `vpcIds`). */
  readonly subnetIds?: string[];
  /** Instance profiles instances may get (condition `ec2:InstanceProfile`). Default: not checked (iam:PassRole still is). */
  readonly instanceProfileArns?: string[];
  /**
   * The fields of a version's `aws` launch spec runs may set besides the launch template (run API: 403 naming
   * the field; a console start: refused by Validate). Default: instanceType, subnetIds, securityGroupIds;
   * `imageId` and `userData` (a boot script run as root, which IAM cannot limit) only when listed.
   */
  readonly allowedLaunchOverrides?: LaunchOverride[];
  /** Auto Scaling groups the autoScaling promote strategy may refresh. */
  readonly autoScalingGroupNames?: string[];
  /** Amazon Managed Prometheus workspaces the judge may query (SigV4). */
  readonly prometheusWorkspaceArns?: string[];
  /** Event bus of the verdict events. Default `default`. */
  readonly eventBusName?: string;
  /** How long a run waits for approve/reject before rolling back. Default 24 hours. */
  readonly approvalTimeout?: Duration;
  /** Accepted clock skew of signed requests. Default 300 seconds. */
  readonly timestampToleranceSeconds?: number;
}

/** Handlers of the workflow's Task states plus the ones of this construct. */
export type FunctionName = TaskName | 'webhook' | 'status' | 'cleanup';

const TASK_DESCRIPTIONS: Record<TaskName, string> = {
  validate: 'check the run input, name the run, make sure the listener is free',
  provision: 'launch baseline and canary in new target groups',
  'check-health': 'report whether both versions are healthy',
  'shift-weight': 'set the weighted forward of the run rule for the next step',
  judge: 'read the metrics of the step and score the canary',
  promote: 'roll the canary version out to production',
  rollback: 'give production all traffic back',
  teardown: 'remove everything the run created',
  notify: 'write the report and send Slack / EventBridge messages',
  analyze: 'judge a canary deployed by other means from its metrics over a past window (mode analyze)',
};

export class CanaryJudge extends Construct {
  readonly stateMachine: StateMachine;
  readonly reportBucket: Bucket;
  readonly webhookSecret: ISecret;
  readonly api: RunApi;
  readonly functions: Record<FunctionName, HandlerFunction>;
  readonly cleanupFailures: Queue;
  readonly stateMachineName: string;

  constructor(scope: Construct, id: string, props: CanaryJudgeProps) {
    super(scope, id);
    const prefix = props.namePrefix ?? 'canary-judge';
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const logLevel = props.logLevel ?? 'INFO';
    const eventBusName = props.eventBusName ?? 'default';

    this.reportBucket = new Bucket(this, 'Reports', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: false,
      lifecycleRules: [
        { id: 'expire-reports', expiration: Duration.days(props.reportRetentionDays ?? 90) },
        { id: 'abort-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.reportBucket,
      'AwsSolutions-S1',
      'only the judge, notify and cleanup roles write it and reports are read through pre-signed URLs; CloudTrail records the API calls',
    );
    this.webhookSecret =
      props.webhookSecret ??
      new Secret(this, 'WebhookSecret', {
        description: `${prefix}: HMAC-SHA256 key of the run API (share it with CI)`,
        generateSecretString: { passwordLength: 64, excludePunctuation: true },
      });
    if (!props.webhookSecret) {
      acknowledge(
        this.webhookSecret,
        'AwsSolutions-SMG4',
        'a shared HMAC key also stored in CI: rotate by putting a new value here, then in CI (the API accepts the current and the previous value)',
      );
    }

    const common = { logLevel, logRetention };
    const shared: Record<string, string> = {
      [FUNCTION_ENV.reportsBucket]: this.reportBucket.bucketName,
      [FUNCTION_ENV.eventBusName]: eventBusName,
    };
    // Read by the run API and by Validate (a run started from the console skips the API).
    const launchOverrides = {
      [LAUNCH_OVERRIDES_ENV]: formatLaunchOverrides(
        parseLaunchOverrides(props.allowedLaunchOverrides ?? DEFAULT_LAUNCH_OVERRIDES, 'allowedLaunchOverrides'),
      ),
    };
    // The state machine gives each task 300 s (buildDefinition's taskTimeoutSeconds); the judge does the statistics.
    const task = (name: TaskName) =>
      new HandlerFunction(this, fnId(name), {
        name,
        description: `canary-judge ${name}: ${TASK_DESCRIPTIONS[name]}`,
        timeout: Duration.minutes(5),
        memorySize: name === 'judge' || name === 'analyze' ? 1024 : 512,
        environment: name === 'validate' ? { ...shared, ...launchOverrides } : shared,
        ...common,
      });
    const tasks = Object.fromEntries(TASK_NAMES.map((name) => [name, task(name)])) as Record<TaskName, HandlerFunction>;

    const machineLogs = new LogGroup(this, 'StateMachineLogs', {
      logGroupName: `/aws/vendedlogs/states/${prefix}-run`,
      retention: logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const arns = Object.fromEntries(TASK_NAMES.map((name) => [name, tasks[name].functionArn])) as Record<
      TaskName,
      string
    >;
    this.stateMachineName = `${prefix}-run`;
    this.stateMachine = new StateMachine(this, 'Run', {
      stateMachineName: this.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(
        JSON.stringify(buildDefinition(arns, { approvalTimeoutSeconds: props.approvalTimeout?.toSeconds() })),
      ),
      logs: { destination: machineLogs, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    acknowledge(
      this.stateMachine.role,
      'AwsSolutions-IAM5[Resource::*]',
      'CloudWatch Logs delivery and X-Ray actions Step Functions needs for logging and tracing support no resource-level permissions',
    );
    // The unqualified ARNs only (grantInvoke would add every version and alias too).
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: Object.values(arns) }),
    );

    const apiEnv = {
      [FUNCTION_ENV.stateMachineArn]: this.stateMachine.stateMachineArn,
      [FUNCTION_ENV.webhookSecretArn]: this.webhookSecret.secretArn,
      [FUNCTION_ENV.timestampToleranceSeconds]: String(props.timestampToleranceSeconds ?? 300),
      ...launchOverrides,
    };
    const webhook = new HandlerFunction(this, 'WebhookFunction', {
      name: 'webhook',
      description: 'canary-judge run API: start a run (POST /runs), approve or reject a waiting one',
      timeout: Duration.seconds(15),
      environment: apiEnv,
      ...common,
    });
    const status = new HandlerFunction(this, 'StatusFunction', {
      name: 'status',
      description: 'canary-judge run API: status, step, score and verdict of a run (GET /runs/{id})',
      timeout: Duration.seconds(15),
      environment: apiEnv,
      ...common,
    });
    const cleanup = new HandlerFunction(this, 'CleanupFunction', {
      name: 'cleanup',
      description: 'canary-judge: tear down and notify for runs stopped, timed out or failed before their own teardown',
      timeout: Duration.minutes(10),
      environment: shared,
      ...common,
    });
    this.functions = { ...tasks, webhook, status, cleanup };

    this.api = new RunApi(this, 'RunApi', { apiName: `${prefix}-runs`, webhook, status, logRetention });

    // A Catch never runs when someone presses "Stop execution" or the execution times out: this rule does.
    this.cleanupFailures = new Queue(this, 'CleanupFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.cleanupFailures,
      'AwsSolutions-SQS3',
      'this queue is itself the dead-letter queue of the cleanup rule',
    );
    new Rule(this, 'RunEndedAbnormally', {
      description: 'canary-judge: clean up after runs that ended ABORTED, TIMED_OUT or FAILED',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          status: ['ABORTED', 'TIMED_OUT', 'FAILED'],
          stateMachineArn: [this.stateMachine.stateMachineArn],
        },
      },
      targets: [
        new LambdaFunction(cleanup, {
          retryAttempts: 4,
          maxEventAge: Duration.hours(2),
          deadLetterQueue: this.cleanupFailures,
        }),
      ],
    });

    this.grantPermissions(props, eventBusName);

    new CfnOutput(this, 'RunApiUrl', { value: this.api.url, description: 'POST /runs, GET /runs/{id}' });
    new CfnOutput(this, 'StateMachineArn', { value: this.stateMachine.stateMachineArn });
    new CfnOutput(this, 'WebhookSecretArn', { value: this.webhookSecret.secretArn });
    new CfnOutput(this, 'ReportBucketName', { value: this.reportBucket.bucketName });
  }

  private grantPermissions(props: CanaryJudgeProps, eventBusName: string): void {
    const f = this.functions;
    const grant = (fns: HandlerFunction[], permission: Permission) => {
      for (const fn of fns) {
        for (const statement of permission.statements) fn.addToRolePolicy(statement);
        acknowledgeWildcards(fn.role!, permission.statements, permission.wildcards);
      }
    };
    const albTasks = [
      f.validate,
      f.provision,
      f['check-health'],
      f['shift-weight'],
      f.judge,
      f.promote,
      f.rollback,
      f.teardown,
      f.cleanup,
    ];
    const autoScalingGroups = props.autoScalingGroupNames ?? [];
    grant(albTasks, loadBalancerRead());
    const launch: LaunchScope = {
      launchTemplateArns: props.launchTemplateArns,
      launchTemplateTag: props.launchTemplateTag ?? { key: 'canary-judge:allowed', value: 'true' },
      imageOwners: props.imageOwners ?? [Aws.ACCOUNT_ID, 'amazon'],
      vpcIds: props.vpcIds,
      subnetIds: props.subnetIds,
      instanceProfileArns: props.instanceProfileArns,
    };
    grant([f.provision], fleetLaunch(this, launch));
    // Instances still pending at launch are registered by the next health look (check-health, judge).
    grant([f.provision, f['check-health'], f.judge], fleetRegister(this));
    const passRole = passInstanceRole(props.instanceRoleArns ?? []);
    grant(autoScalingGroups.length > 0 ? [f.provision, f.promote] : [f.provision], passRole);
    // Provision creates the run's rule at weight 0 (ALB health-checks only target groups a rule uses).
    grant([f.provision], listenerRuleCreate(this, props.listenerArns));
    grant([f.provision, f['shift-weight']], listenerRuleModify(this));
    // Provision deletes its own rule again when another run's rule took the listener first (the lock).
    grant([f.provision, f.rollback, f.teardown, f.cleanup], listenerRuleDelete(this));
    grant([f.teardown, f.cleanup], fleetTeardown(this));
    grant([f.judge, f.analyze], metricsRead(props.prometheusWorkspaceArns ?? []));
    grant([f.promote], autoScalingPromote(this, autoScalingGroups, launch));
    grant([f.notify, f.cleanup], putVerdictEvents(this, eventBusName));
    grant([f.judge, f.notify, f.cleanup, f.analyze], reportObjects(this.reportBucket));
    grant([f.webhook, f.status, f.cleanup], readExecutions(this, this.stateMachineName));
    if (props.slackWebhookSecret) for (const fn of [f.notify, f.cleanup]) props.slackWebhookSecret.grantRead(fn);
    if (props.slackWebhookSecretNamePrefix) {
      const prefix = props.slackWebhookSecretNamePrefix;
      grant([f.notify, f.cleanup], readSecretsByNamePrefix(this, 'ReadRunSlackSecrets', prefix));
    }
    if (props.promoteWebhookSecretNamePrefix) {
      const prefix = props.promoteWebhookSecretNamePrefix;
      grant([f.promote], readSecretsByNamePrefix(this, 'ReadRunPromoteSecrets', prefix));
    }

    // The run API: only the webhook starts runs and answers approvals.
    this.stateMachine.grantStartExecution(f.webhook);
    this.stateMachine.grantTaskResponse(f.webhook);
    for (const fn of [f.webhook, f.status]) this.webhookSecret.grantRead(fn);
  }
}

function fnId(name: string): string {
  return `${name.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}Function`;
}
