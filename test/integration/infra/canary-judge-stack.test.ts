import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CanaryJudgeStack } from '../../../infra/lib/canary-judge-stack';
import type { FunctionName } from '../../../infra/lib/canary-judge';
import { readSecretsByNamePrefix } from '../../../infra/lib/permissions';
import { createAdapters } from '../../../shared/adapters';
import { runInputSchema } from '../../../shared/config/run-config';
import { ValidationError } from '../../../shared/config/validation';
import { TASK_NAMES, TASK_STATES } from '../../../state-machines/definition';
import { asList, flatten, ofType, roleStatements, type Resources, type Statement } from '../../support/cfn-template';
import { consoleInput } from '../../support/webhook-requests';

/**
 * The deployable stack, synthesized offline once for this file (real esbuild bundling of every
 * function): resources, IAM, the rendered state machine definition, cdk-nag and cfn-lint.
 */

const LISTENERS = [
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2',
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shop/50dc6c495c0c9188/0a1b2c3d4e5f6a7b',
];
const SLACK_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:canary-judge/slack-AbCdEf';
const INSTANCE_ROLE = 'arn:aws:iam::123456789012:role/checkout-instance';
const SLACK_PREFIX = 'canary-judge/slack/';
const PROMOTE_PREFIX = 'canary-judge/promote/';
const LAUNCH_TEMPLATE = 'arn:aws:ec2:eu-west-1:123456789012:launch-template/lt-0a1b2c3d4e5f6a7b8';
const INSTANCE_PROFILE = 'arn:aws:iam::123456789012:instance-profile/checkout';
const VPC = 'vpc-0a1b2c3d4e5f6a7b8';
const SUBNETS = ['subnet-0a1b2c3d4e5f6a7b8', 'subnet-0b1c2d3e4f5a6b7c8'];
/** How a resource ARN of this (environment-agnostic) stack reads after flatten(). */
const arnHere = (service: string, resource: string) =>
  `arn:aws:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`;
const ALL_FUNCTIONS: FunctionName[] = [...TASK_NAMES, 'webhook', 'status', 'cleanup'];

let outdir: string;
let stack: CanaryJudgeStack;
let defaultStack: CanaryJudgeStack;
let resources: Resources;
let template: Template;

const logicalIdIn = (s: Stack, element: unknown) => s.getLogicalId(element as CfnElement);
const logicalId = (element: unknown) => logicalIdIn(stack, element);
const fnId = (name: FunctionName) => logicalId(stack.canaryJudge.functions[name].node.defaultChild);
const roleId = (name: FunctionName) => logicalId(stack.canaryJudge.functions[name].role!.node.defaultChild);
const statementsOf = (name: FunctionName) => roleStatements(resources, roleId(name));
const actionsOf = (name: FunctionName) => new Set(statementsOf(name).flatMap((s) => asList(s.Action)));

beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'canary-judge-cdk-'));
  const app = new App({ outdir });
  stack = new CanaryJudgeStack(app, 'CanaryJudgeStack', {
    listenerArns: LISTENERS,
    reportRetentionDays: 30,
    slackWebhookSecretArn: SLACK_SECRET,
    slackWebhookSecretNamePrefix: SLACK_PREFIX,
    promoteWebhookSecretNamePrefix: PROMOTE_PREFIX,
    instanceRoleArns: [INSTANCE_ROLE],
    autoScalingGroupNames: ['checkout-asg'],
    launchTemplateArns: [LAUNCH_TEMPLATE],
    imageOwners: ['123456789012'],
    vpcIds: [VPC],
    subnetIds: SUBNETS,
    instanceProfileArns: [INSTANCE_PROFILE],
    allowedLaunchOverrides: ['instanceType', 'imageId'],
  });
  // What `npx cdk deploy` synthesizes without context: listeners and retention as parameters.
  defaultStack = new CanaryJudgeStack(app, 'DefaultStack', {});
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
}, 300_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('functions', () => {
  it('one per handler, Node.js 22 on arm64, X-Ray active, Powertools configured', () => {
    const functions = ofType(resources, 'AWS::Lambda::Function');
    expect(functions.map(([id]) => id).sort()).toEqual(ALL_FUNCTIONS.map(fnId).sort());
    for (const [, fn] of functions) {
      expect(fn).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Handler: 'index.handler',
      });
      expect(fn.Environment.Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'canary-judge',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        LOG_LEVEL: 'INFO',
      });
    }
  });

  it('bundles each handler with esbuild, taking the AWS SDK from the runtime', () => {
    const webhook = resources[fnId('webhook')].Properties!;
    const assetDir = path.join(outdir, `asset.${webhook.Code.S3Key.replace(/\.zip$/, '')}`);
    const bundle = readFileSync(path.join(assetDir, 'index.js'), 'utf8');
    expect(bundle).toContain('require("@aws-sdk/client-sfn")');
    expect(bundle).not.toContain('class SFNClient');
    expect(bundle).toContain('x-canary-judge-timestamp');
  });

  it('gives the workflow functions the environment the AWS adapters are built from', () => {
    const env = flatten(resources[fnId('judge')].Properties!.Environment.Variables) as Record<string, string>;
    const input = runInputSchema.parse(consoleInput());
    // The adapter factory names every environment variable it misses; with the stack's environment it misses none.
    const missing = (environment: Record<string, string>) => {
      try {
        createAdapters(input, environment);
        return [];
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return error.issues.filter((i) => /not set/.test(i.message)).map((i) => i.path);
      }
    };
    expect(missing({ ...env, REPORTS_BUCKET: '' })).toEqual(['REPORTS_BUCKET']);
    expect(missing(env)).toEqual([]);
    expect(env.REPORTS_BUCKET).toBe(`\${${logicalId(stack.canaryJudge.reportBucket.node.defaultChild)}}`);
    const api = resources[fnId('webhook')].Properties!.Environment.Variables;
    expect(Object.keys(api)).toEqual(expect.arrayContaining(['STATE_MACHINE_ARN', 'WEBHOOK_SECRET_ARN']));
  });
});

describe('state machine', () => {
  const machine = () => ofType(resources, 'AWS::StepFunctions::StateMachine');

  it('is a Standard workflow with logging (ALL, no execution data) and tracing', () => {
    expect(machine()).toHaveLength(1);
    const [, props] = machine()[0];
    expect(props.StateMachineType).toBe('STANDARD');
    expect(props.StateMachineName).toBe('canary-judge-run');
    expect(props.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    expect(props.TracingConfiguration).toEqual({ Enabled: true });
  });

  it('renders to ASL with every task state, each invoking its own function', () => {
    const asl = JSON.parse(flatten(machine()[0][1].DefinitionString) as string);
    for (const [state, task] of Object.entries(TASK_STATES)) {
      expect(asl.States[state]).toMatchObject({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: `arn:fn:${fnId(task)}` },
      });
    }
    expect(asl.States.AwaitApproval.Parameters.FunctionName).toBe(`arn:fn:${fnId('notify')}`);
    const validator = require('asl-validator') as (d: unknown) => { isValid: boolean; errors: unknown[] }; // eslint-disable-line @typescript-eslint/no-require-imports
    expect(validator(asl).errors).toEqual([]);
  });

  it('may invoke exactly the workflow functions', () => {
    const [[id]] = machine();
    const roleRef = (resources[id].Properties!.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const invoke = roleStatements(resources, roleRef).filter((s) => asList(s.Action).includes('lambda:InvokeFunction'));
    expect(invoke.flatMap((s) => asList(s.Resource).map(flatten)).sort()).toEqual(
      TASK_NAMES.map((t) => `arn:fn:${fnId(t)}`).sort(),
    );
  });
});

describe('cleanup after abnormal ends', () => {
  it('routes ABORTED, TIMED_OUT and FAILED executions of this state machine to the cleanup function', () => {
    const rules = ofType(resources, 'AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    const [, rule] = rules[0];
    expect(rule.EventPattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: {
        status: ['ABORTED', 'TIMED_OUT', 'FAILED'],
        stateMachineArn: [{ Ref: ofType(resources, 'AWS::StepFunctions::StateMachine')[0][0] }],
      },
    });
    expect(rule.Targets).toHaveLength(1);
    expect(flatten(rule.Targets[0].Arn)).toBe(`arn:fn:${fnId('cleanup')}`);
    expect(rule.Targets[0].RetryPolicy.MaximumRetryAttempts).toBe(4);
    expect(flatten(rule.Targets[0].DeadLetterConfig.Arn)).toBe(
      `arn:fn:${logicalId(stack.canaryJudge.cleanupFailures.node.defaultChild)}`,
    );
  });
});

describe('report bucket', () => {
  it('is encrypted, private, TLS-only and expires reports', () => {
    const [[id, bucket]] = ofType(resources, 'AWS::S3::Bucket');
    expect(
      bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm,
    ).toBe('AES256');
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([expect.objectContaining({ ExpirationInDays: 30, Status: 'Enabled' })]),
    );
    const [[, policy]] = ofType(resources, 'AWS::S3::BucketPolicy');
    expect(policy.Bucket).toEqual({ Ref: id });
    expect(policy.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]),
    );
  });
});

describe('run API', () => {
  it('has the four routes, each on its function', () => {
    const integrations = Object.fromEntries(
      ofType(resources, 'AWS::ApiGatewayV2::Integration').map(([id, i]) => [id, flatten(i.IntegrationUri)]),
    );
    const routes = Object.fromEntries(
      ofType(resources, 'AWS::ApiGatewayV2::Route').map(([, r]) => [
        r.RouteKey,
        integrations[(flatten(r.Target) as string).replace('integrations/', '').replace(/^\$\{|\}$/g, '')],
      ]),
    );
    expect(routes).toEqual({
      'POST /runs': `arn:fn:${fnId('webhook')}`,
      'POST /runs/{id}/approve': `arn:fn:${fnId('webhook')}`,
      'POST /runs/{id}/reject': `arn:fn:${fnId('webhook')}`,
      'GET /runs/{id}': `arn:fn:${fnId('status')}`,
    });
  });

  it('logs access and throttles on the $default stage', () => {
    const [[, stage]] = ofType(resources, 'AWS::ApiGatewayV2::Stage');
    expect(stage.StageName).toBe('$default');
    expect(stage.AutoDeploy).toBe(true);
    expect(stage.AccessLogSettings.DestinationArn).toBeDefined();
    expect(stage.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
  });
});

describe('IAM', () => {
  const allStatements = () =>
    ofType(resources, 'AWS::IAM::Policy').flatMap(([, p]) => p.PolicyDocument.Statement as Statement[]);

  it('lets only the webhook start executions and answer approvals', () => {
    for (const name of ALL_FUNCTIONS) {
      const actions = actionsOf(name);
      const expected = name === 'webhook';
      expect([name, actions.has('states:StartExecution')]).toEqual([name, expected]);
      expect([name, actions.has('states:SendTaskSuccess')]).toEqual([name, expected]);
    }
    const start = statementsOf('webhook').find((s) => asList(s.Action).includes('states:StartExecution'))!;
    expect(start.Resource).toEqual({ Ref: ofType(resources, 'AWS::StepFunctions::StateMachine')[0][0] });
  });

  it('lets only provision create listener rules (weight-0 attach), only on the configured listeners, with the run tag in the request', () => {
    const withAction = (action: string) => ALL_FUNCTIONS.filter((n) => actionsOf(n).has(action));
    expect(withAction('elasticloadbalancing:CreateRule')).toEqual(['provision']);
    const create = statementsOf('provision').filter((s) =>
      asList(s.Action).includes('elasticloadbalancing:CreateRule'),
    );
    const onListeners = create.find((s) => s.Sid === 'CreateRunRuleOnAllowedListeners')!;
    expect(onListeners.Resource).toEqual(LISTENERS);
    for (const s of create) expect(s.Condition).toEqual({ Null: { 'aws:RequestTag/canary-judge:run-id': 'false' } });
    const tag = statementsOf('provision').find((s) => s.Sid === 'TagRunRuleOnCreate')!;
    expect(tag).toMatchObject({
      Action: 'elasticloadbalancing:AddTags',
      Condition: {
        StringEquals: { 'elasticloadbalancing:CreateAction': 'CreateRule' },
        Null: { 'aws:RequestTag/canary-judge:run-id': 'false' },
      },
    });
    expect(flatten(tag.Resource)).toBe(arnHere('elasticloadbalancing', 'listener-rule/app/*'));
  });

  it('modifies the run rule from provision and shift-weight, deletes it from provision (lost lock), rollback, teardown and cleanup: tagged rules only', () => {
    const withAction = (action: string) => ALL_FUNCTIONS.filter((n) => actionsOf(n).has(action));
    expect(withAction('elasticloadbalancing:ModifyRule')).toEqual(['provision', 'shift-weight']);
    expect(withAction('elasticloadbalancing:DeleteRule')).toEqual(['provision', 'rollback', 'teardown', 'cleanup']);
    for (const [name, sid] of [
      ['provision', 'ModifyRunRules'],
      ['shift-weight', 'ModifyRunRules'],
      ['provision', 'DeleteRunRules'],
      ['rollback', 'DeleteRunRules'],
      ['cleanup', 'DeleteRunRules'],
    ] as const) {
      const statement = statementsOf(name).find((s) => s.Sid === sid)!;
      expect(flatten(statement.Resource)).toBe(arnHere('elasticloadbalancing', 'listener-rule/app/*'));
      expect(statement.Condition).toEqual({ Null: { 'aws:ResourceTag/canary-judge:run-id': 'false' } });
    }
  });

  it('registers late instances from check-health and judge too (tagged target groups), which read target health', () => {
    const registering = ALL_FUNCTIONS.filter((n) => actionsOf(n).has('elasticloadbalancing:RegisterTargets'));
    expect(registering).toEqual(['provision', 'check-health', 'judge']);
    for (const name of registering) {
      const statement = statementsOf(name).find((s) => s.Sid === 'RegisterIntoRunTargetGroups')!;
      expect(flatten(statement.Resource)).toBe(arnHere('elasticloadbalancing', 'targetgroup/*'));
      expect(statement.Condition).toEqual({ Null: { 'aws:ResourceTag/canary-judge:run-id': 'false' } });
      expect(actionsOf(name).has('elasticloadbalancing:DescribeTargetHealth')).toBe(true);
    }
  });

  it('lets promote create versions of the allowed launch templates only, and launch only from launch templates (Auto Scaling checks it)', () => {
    const creators = ALL_FUNCTIONS.filter((n) => actionsOf(n).has('ec2:CreateLaunchTemplateVersion'));
    expect(creators).toEqual(['promote']);
    const promote = statementsOf('promote');
    const version = promote.find((s) => s.Sid === 'CreateCanaryLaunchTemplateVersion')!;
    expect([version.Resource, version.Condition]).toEqual([LAUNCH_TEMPLATE, undefined]);
    const launch = promote.find((s) => s.Sid === 'LaunchFromLaunchTemplates')!;
    expect(launch.Action).toBe('ec2:RunInstances');
    expect(flatten(launch.Resource)).toEqual(arnHere('ec2', 'instance/*'));
    expect(flatten(launch.Condition)).toEqual({
      ArnLike: { 'ec2:LaunchTemplate': arnHere('ec2', 'launch-template/*') },
    });
    // What the launched instances use is limited as provision's launches are.
    expect(promote.find((s) => s.Sid === 'PromoteLaunchAllowedLaunchTemplates')!.Resource).toBe(LAUNCH_TEMPLATE);
    expect(promote.find((s) => s.Sid === 'PromoteLaunchImagesOfAllowedOwners')!.Condition).toEqual({
      StringEquals: { 'ec2:Owner': ['123456789012'] },
    });
    expect(promote.find((s) => s.Sid === 'TagLaunchTemplateInstances')).toMatchObject({
      Action: 'ec2:CreateTags',
      Condition: { StringEquals: { 'ec2:CreateAction': 'RunInstances' } },
    });
  });

  it('conditions every ELB and EC2 write on the run tag (or on being part of a tagged create)', () => {
    const write =
      /^(elasticloadbalancing:(Create|Modify|Delete|Register|Deregister|AddTags|Remove)|ec2:(RunInstances|TerminateInstances|CreateTags|Stop|Start|Modify|Delete))/;
    const writes = allStatements().filter((s) => asList(s.Action).some((a) => write.test(a)));
    expect(writes.length).toBeGreaterThanOrEqual(10);
    for (const s of writes) {
      const resourcesOfStatement = asList(s.Resource).map((r) => String(flatten(r)));
      // RunInstances also touches the launch template, subnets, AMI...: allowed, but never an instance without the tag.
      if (/^(RunInstances|PromoteLaunch)/.test(s.Sid ?? '')) {
        expect(resourcesOfStatement.some((r) => r.includes(':instance/'))).toBe(false);
        continue;
      }
      // Promote: Auto Scaling's check that the group may launch from the template it is pointed at.
      if (s.Sid === 'LaunchFromLaunchTemplates') {
        expect(Object.keys(s.Condition?.ArnLike ?? {})).toEqual(['ec2:LaunchTemplate']);
        continue;
      }
      if (s.Sid === 'CreateRunRuleOnAllowedListeners') continue;
      const keys = Object.values(s.Condition ?? {}).flatMap((c) => Object.keys(c));
      expect([s.Sid, keys]).toEqual([
        s.Sid,
        expect.arrayContaining([
          expect.stringMatching(
            /^(aws:(Resource|Request)Tag\/canary-judge:run-id|ec2:CreateAction|elasticloadbalancing:CreateAction)$/,
          ),
        ]),
      ]);
    }
  });

  it('launches only within the launch scope the deployer gave: launch templates, AMI owners, VPC, subnets, instance profiles', () => {
    const provision = statementsOf('provision').filter((s) => asList(s.Action).includes('ec2:RunInstances'));
    const bySid = Object.fromEntries(provision.map((s) => [s.Sid, flatten(s) as Statement]));
    const vpc = arnHere('ec2', `vpc/${VPC}`);
    const subnets = SUBNETS.map((id) => arnHere('ec2', `subnet/${id}`));
    expect(bySid).toEqual({
      RunTaggedInstances: expect.objectContaining({
        Resource: arnHere('ec2', 'instance/*'),
        Condition: {
          Null: { 'aws:RequestTag/canary-judge:run-id': 'false' },
          ArnEqualsIfExists: { 'ec2:InstanceProfile': [INSTANCE_PROFILE] },
        },
      }),
      RunInstancesAllowedLaunchTemplates: expect.objectContaining({ Resource: LAUNCH_TEMPLATE }),
      RunInstancesImagesOfAllowedOwners: expect.objectContaining({
        Resource: 'arn:aws:ec2:${AWS::Region}::image/*',
        Condition: { StringEquals: { 'ec2:Owner': ['123456789012'] } },
      }),
      RunInstancesInAllowedSubnets: expect.objectContaining({
        Resource: subnets,
        Condition: { ArnEquals: { 'ec2:Vpc': [vpc] } },
      }),
      RunInstancesWithSecurityGroupsOfAllowedVpcs: expect.objectContaining({
        Resource: arnHere('ec2', 'security-group/*'),
        Condition: { ArnEquals: { 'ec2:Vpc': [vpc] } },
      }),
      RunInstancesWithInterfacesInAllowedSubnets: expect.objectContaining({
        Resource: arnHere('ec2', 'network-interface/*'),
        Condition: { ArnEquals: { 'ec2:Vpc': [vpc], 'ec2:Subnet': subnets } },
      }),
      RunInstancesWithVolumesAndKeyPair: expect.objectContaining({
        Resource: [arnHere('ec2', 'volume/*'), arnHere('ec2', 'key-pair/*')],
      }),
    });
    expect(bySid.RunInstancesAllowedLaunchTemplates.Condition).toBeUndefined();
  });

  it('never lets a launch template or an AMI be used unconditionally (both stacks)', () => {
    for (const t of [resources, Template.fromStack(defaultStack).toJSON().Resources as Resources]) {
      const statements = ofType(t, 'AWS::IAM::Policy').flatMap(([, p]) => p.PolicyDocument.Statement as Statement[]);
      const launching = statements.filter((s) =>
        asList(s.Action).some((a) => a === 'ec2:RunInstances' || a === 'ec2:CreateLaunchTemplateVersion'),
      );
      for (const s of launching) {
        for (const resource of asList(s.Resource).map((r) => String(flatten(r)))) {
          if (resource.endsWith(':launch-template/*')) {
            // by tag, or (LaunchFromLaunchTemplates) for the instance only, never with the template itself
            expect([s.Sid, Object.keys(s.Condition?.StringEquals ?? {})]).toEqual([
              s.Sid,
              ['aws:ResourceTag/canary-judge:allowed'],
            ]);
          }
          if (resource.includes(':image/')) expect(Object.keys(s.Condition?.StringEquals ?? {})).toEqual(['ec2:Owner']);
        }
      }
    }
  });

  it('by default: launch templates tagged canary-judge:allowed=true, AMIs of this account and Amazon, any subnet of the account', () => {
    const t = Template.fromStack(defaultStack).toJSON().Resources as Resources;
    const provisionRole = logicalIdIn(
      defaultStack,
      defaultStack.canaryJudge.functions.provision.role!.node.defaultChild,
    );
    const bySid = Object.fromEntries(roleStatements(t, provisionRole).map((s) => [s.Sid, s]));
    expect(flatten(bySid.RunInstancesAllowedLaunchTemplates.Resource)).toBe(arnHere('ec2', 'launch-template/*'));
    expect(bySid.RunInstancesAllowedLaunchTemplates.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/canary-judge:allowed': 'true' },
    });
    expect(flatten(bySid.RunInstancesImagesOfAllowedOwners.Condition)).toEqual({
      StringEquals: { 'ec2:Owner': ['${AWS::AccountId}', 'amazon'] },
    });
    expect(flatten(bySid.RunInstancesInAllowedSubnets.Resource)).toBe(arnHere('ec2', 'subnet/*'));
    expect(bySid.RunInstancesInAllowedSubnets.Condition).toBeUndefined();
    expect(bySid.RunTaggedInstances.Condition).toEqual({ Null: { 'aws:RequestTag/canary-judge:run-id': 'false' } });
  });

  it('tells the run API and Validate which launch fields runs may set (default: no imageId, no userData)', () => {
    const env = (stackResources: Resources, fnLogicalId: string) =>
      stackResources[fnLogicalId].Properties!.Environment.Variables.ALLOWED_LAUNCH_OVERRIDES;
    for (const name of ['webhook', 'validate'] as const)
      expect(env(resources, fnId(name))).toBe('instanceType,imageId');
    const t = Template.fromStack(defaultStack).toJSON().Resources as Resources;
    const defaultFn = (name: FunctionName) =>
      logicalIdIn(defaultStack, defaultStack.canaryJudge.functions[name].node.defaultChild);
    for (const name of ['webhook', 'validate'] as const) {
      expect(env(t, defaultFn(name))).toBe('instanceType,subnetIds,securityGroupIds');
    }
    expect(
      () =>
        new CanaryJudgeStack(new App(), 'Typo', {
          listenerArns: LISTENERS,
          allowedLaunchOverrides: ['userdata' as never],
        }),
    ).toThrow(
      'allowedLaunchOverrides names userdata; known: imageId, instanceType, userData, subnetIds, securityGroupIds',
    );
  });

  it('passes only the configured instance roles, to EC2 only, from provision and promote', () => {
    const pass = allStatements().filter((s) => asList(s.Action).includes('iam:PassRole'));
    expect(pass).toEqual([
      expect.objectContaining({
        Resource: INSTANCE_ROLE,
        Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      }),
      expect.objectContaining({
        Resource: INSTANCE_ROLE,
        Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      }),
    ]);
    expect(ALL_FUNCTIONS.filter((n) => actionsOf(n).has('iam:PassRole'))).toEqual(['provision', 'promote']);
  });

  it('gives report bucket access to judge, analyze, notify and cleanup only, and CloudWatch reads to judge and analyze', () => {
    const s3 = ALL_FUNCTIONS.filter((n) => [...actionsOf(n)].some((a) => a.startsWith('s3:')));
    expect(s3.sort()).toEqual(['analyze', 'cleanup', 'judge', 'notify']);
    const cw = ALL_FUNCTIONS.filter((n) => actionsOf(n).has('cloudwatch:GetMetricData'));
    expect(cw.sort()).toEqual(['analyze', 'judge']);
  });

  it('lets the API functions read the webhook secret, notify/cleanup the Slack secrets, promote its webhook secrets, nobody else any secret', () => {
    const readers = ALL_FUNCTIONS.filter((n) => actionsOf(n).has('secretsmanager:GetSecretValue'));
    expect(readers.sort()).toEqual(['cleanup', 'notify', 'promote', 'status', 'webhook']);
    const secrets = (n: FunctionName) =>
      statementsOf(n)
        .filter((s) => asList(s.Action).includes('secretsmanager:GetSecretValue'))
        .flatMap((s) => asList(s.Resource).map(flatten));
    // The configured secret, and per-run secrets under the name prefix (Secrets Manager appends -XXXXXX).
    const slack = [SLACK_SECRET, arnHere('secretsmanager', `secret:${SLACK_PREFIX}*`)];
    expect(secrets('notify')).toEqual(slack);
    expect(secrets('cleanup')).toEqual(slack);
    expect(secrets('promote')).toEqual([arnHere('secretsmanager', `secret:${PROMOTE_PREFIX}*`)]);
    expect(secrets('webhook')).toEqual([`\${${logicalId(stack.canaryJudge.webhookSecret.node.defaultChild)}}`]);
  });

  it('refuses a secret name prefix that would widen to other secrets', () => {
    const probe = new Stack(new App(), 'Probe');
    for (const prefix of ['', '*', 'canary-judge/*', 'canary-judge/slack?', 'a b']) {
      expect(() => readSecretsByNamePrefix(probe, 'Read', prefix)).toThrow(`secret name prefix "${prefix}" must be`);
    }
    expect(readSecretsByNamePrefix(probe, 'Read', 'team_a/slack-').statements).toHaveLength(1);
  });

  it('uses no AWS managed policies (each function writes its own log group only)', () => {
    for (const [, role] of ofType(resources, 'AWS::IAM::Role')) expect(role.ManagedPolicyArns).toBeUndefined();
  });
});

describe('the default stack (parameters)', () => {
  it('takes the listeners and the retention as CloudFormation parameters', () => {
    const t = Template.fromStack(defaultStack).toJSON();
    expect(t.Parameters.ListenerArns.Type).toBe('CommaDelimitedList');
    expect(t.Parameters.ReportRetentionDays).toMatchObject({ Type: 'Number', Default: 90 });
    const create = ofType(t.Resources, 'AWS::IAM::Policy')
      .flatMap(([, p]) => p.PolicyDocument.Statement as Statement[])
      .filter((s) => s.Sid === 'CreateRunRuleOnAllowedListeners');
    expect(create.length).toBeGreaterThan(0);
    for (const s of create) expect(s.Resource).toEqual({ Ref: 'ListenerArns' });
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
    const found = report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`));
    expect(found).toEqual([]);
  });

  it('would report a new wildcard statement (the acknowledgements are per finding)', () => {
    const probe = new Stack(new App(), 'Probe');
    const role = new Role(probe, 'R', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new PolicyStatement({ actions: ['ec2:TerminateInstances'], resources: ['*'] }));
    const report = new AwsSolutionsChecks().validateScope(probe);
    expect(report.violations.map((v) => v.ruleName)).toContain('AwsSolutions-IAM5[Resource::*]');
  });
});

describe('cfn-lint', () => {
  it('accepts the template `npx cdk deploy` deploys', () => {
    const file = path.join(outdir, 'default-stack.template.json');
    writeFileSync(file, JSON.stringify(Template.fromStack(defaultStack).toJSON()));
    // W3005: CDK adds DependsOn on a function's role although GetAtt already orders them (harmless).
    const lint = spawnSync('cfn-lint', ['--ignore-checks', 'W3005', '--', file], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (lint.error)
      throw new Error(`cfn-lint could not run (${lint.error.message}); install it: python3 -m pip install cfn-lint`);
    expect(`${lint.stdout}${lint.stderr}`.trim()).toBe('');
    expect(lint.status).toBe(0);
  }, 150_000);
});
