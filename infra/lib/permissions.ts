import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { RUN_ID_TAG } from '../../shared/run-model/resource-tags';

/**
 * The IAM statements of the functions, one builder per capability, each with the reason its wildcards
 * (if any) are acceptable. Writes are limited to what a run created (tagged `canary-judge:run-id` on
 * create, found by that tag afterwards) and to the listeners the operator allowed. Describe/List/Get
 * reads support no resource-level permissions and need "*".
 */

export interface Permission {
  statements: PolicyStatement[];
  /** Why the statements' wildcard resources/actions are needed (the cdk-nag acknowledgement reason). */
  wildcards: string;
}

/** The tag must be in the request (tag on create). */
const REQUEST_TAGGED = { Null: { [`aws:RequestTag/${RUN_ID_TAG}`]: 'false' } };
/** The resource must carry the tag (created by a run). */
const RESOURCE_TAGGED = { Null: { [`aws:ResourceTag/${RUN_ID_TAG}`]: 'false' } };

/** `resource` is the whole resource part, e.g. `targetgroup/*`. */
const elb = (scope: Construct, resource: string) =>
  Arn.format({ service: 'elasticloadbalancing', resource }, Stack.of(scope));
const ec2 = (scope: Construct, resource: string) => Arn.format({ service: 'ec2', resource }, Stack.of(scope));
/** AMIs have no account in their ARN. */
const images = (scope: Construct) => Arn.format({ service: 'ec2', account: '', resource: 'image/*' }, Stack.of(scope));
const runRules = (scope: Construct) => elb(scope, 'listener-rule/app/*');
/** `service:region:account:resource:name` ARNs (`name` may hold wildcards). */
const colonArn = (scope: Construct, service: string, resource: string, resourceName: string) =>
  Arn.format({ service, resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }, Stack.of(scope));

const READ_ONLY = 'read-only Describe/List/Get actions, which support no resource-level permissions';
const TAGGED = `limited by a Null condition on the ${RUN_ID_TAG} tag: only resources a run created and tagged`;
const RUN_RULES = `listener rule ARNs are created per run; ${TAGGED}`;

/** ELBv2 AddTags only as part of `createAction`, and only with the run-id tag. */
function elbTagOnCreate(sid: string, resource: string, createAction: string): PolicyStatement {
  return new PolicyStatement({
    sid,
    actions: ['elasticloadbalancing:AddTags'],
    resources: [resource],
    conditions: { StringEquals: { 'elasticloadbalancing:CreateAction': createAction }, ...REQUEST_TAGGED },
  });
}

/** EC2 CreateTags only as part of RunInstances: the tag specifications of what it launches. */
function ec2TagOnLaunch(scope: Construct, sid: string): PolicyStatement {
  return new PolicyStatement({
    sid,
    actions: ['ec2:CreateTags'],
    resources: [ec2(scope, 'instance/*'), ec2(scope, 'volume/*'), ec2(scope, 'network-interface/*')],
    conditions: { StringEquals: { 'ec2:CreateAction': 'RunInstances' } },
  });
}

/** One ELBv2 action on the listener rules runs created (found by their run-id tag). */
function onRunRules(scope: Construct, sid: string, action: string): Permission {
  return {
    statements: [
      new PolicyStatement({ sid, actions: [action], resources: [runRules(scope)], conditions: RESOURCE_TAGGED }),
    ],
    wildcards: RUN_RULES,
  };
}

export function loadBalancerRead(): Permission {
  return {
    statements: [
      new PolicyStatement({
        sid: 'LoadBalancerRead',
        actions: [
          'elasticloadbalancing:DescribeListeners',
          'elasticloadbalancing:DescribeLoadBalancers',
          'elasticloadbalancing:DescribeRules',
          'elasticloadbalancing:DescribeTags',
          'elasticloadbalancing:DescribeTargetGroups',
          'elasticloadbalancing:DescribeTargetGroupAttributes',
          'elasticloadbalancing:DescribeTargetHealth',
        ],
        resources: ['*'],
      }),
      new PolicyStatement({
        sid: 'InstancesRead',
        actions: [
          'ec2:DescribeInstances',
          'ec2:DescribeInstanceStatus',
          'ec2:DescribeLaunchTemplates',
          'ec2:DescribeLaunchTemplateVersions',
          'ec2:DescribeSubnets',
          'ec2:DescribeTags',
        ],
        resources: ['*'],
      }),
    ],
    wildcards: READ_ONLY,
  };
}

/**
 * Create the run's weighted listener rule, on the allowed listeners only. Provision creates it (baseline
 * and canary at weight 0, so ALB health-checks their target groups); later steps only modify it.
 */
export function listenerRuleCreate(scope: Construct, listenerArns: string[]): Permission {
  const rules = runRules(scope);
  return {
    statements: [
      // CreateRule is authorized against the listener and the new rule; two statements because the
      // listener ARNs may be one CloudFormation list parameter.
      new PolicyStatement({
        sid: 'CreateRunRuleOnAllowedListeners',
        actions: ['elasticloadbalancing:CreateRule'],
        resources: listenerArns,
        conditions: REQUEST_TAGGED,
      }),
      new PolicyStatement({
        sid: 'CreateTaggedRunRule',
        actions: ['elasticloadbalancing:CreateRule'],
        resources: [rules],
        conditions: REQUEST_TAGGED,
      }),
      elbTagOnCreate('TagRunRuleOnCreate', rules, 'CreateRule'),
    ],
    wildcards: RUN_RULES,
  };
}

/** Set the weights of the run's rule (each step; a retried provision finds and modifies its rule). */
export function listenerRuleModify(scope: Construct): Permission {
  return onRunRules(scope, 'ModifyRunRules', 'elasticloadbalancing:ModifyRule');
}

/** Remove the run's rule: 100% production again (rollback, teardown, cleanup). */
export function listenerRuleDelete(scope: Construct): Permission {
  return onRunRules(scope, 'DeleteRunRules', 'elasticloadbalancing:DeleteRule');
}

/**
 * What the deployer lets runs launch (CanaryJudgeProps): launch templates by ARN, else those carrying a tag;
 * AMIs of some owners; a VPC or some subnets; some instance profiles.
 */
export interface LaunchScope {
  launchTemplateArns?: string[];
  /** Used when launchTemplateArns is absent. */
  launchTemplateTag: { key: string; value: string };
  /** `ec2:Owner` of the AMIs: account ids, `amazon`, `aws-marketplace`. */
  imageOwners: string[];
  /** `ec2:Vpc` of the subnets, security groups and network interfaces; absent: any of this account. */
  vpcIds?: string[];
  /** The subnets by id; absent: any (of the VPCs). */
  subnetIds?: string[];
  /** `ec2:InstanceProfile` of the instances; absent: none is checked here (iam:PassRole still limits the role). */
  instanceProfileArns?: string[];
}

/** IAM condition block: operator → key → value(s). */
type Conditions = Record<string, Record<string, unknown>>;

/** The launch templates of the scope: by ARN, or any of this account carrying the tag. */
function launchTemplates(scope: Construct, launch: LaunchScope): { resources: string[]; conditions?: Conditions } {
  if (launch.launchTemplateArns) return { resources: launch.launchTemplateArns };
  const { key, value } = launch.launchTemplateTag;
  return {
    resources: [ec2(scope, 'launch-template/*')],
    conditions: { StringEquals: { [`aws:ResourceTag/${key}`]: value } },
  };
}

/**
 * What RunInstances reads or creates besides the instance, each limited to the launch scope: the launch
 * template, the AMI (by owner), subnets, security groups and network interfaces (by VPC / subnet), volumes and
 * the key pair (named by the launch template, which is itself limited). `sid` prefixes the statements' ids.
 */
function launchFrom(scope: Construct, launch: LaunchScope, sid: string): PolicyStatement[] {
  const vpcs = launch.vpcIds?.map((id) => ec2(scope, `vpc/${id}`));
  const subnets = launch.subnetIds?.map((id) => ec2(scope, `subnet/${id}`));
  const inVpcs: Conditions = vpcs ? { ArnEquals: { 'ec2:Vpc': vpcs } } : {};
  const interfaces: Conditions = {
    ArnEquals: { ...(vpcs ? { 'ec2:Vpc': vpcs } : {}), ...(subnets ? { 'ec2:Subnet': subnets } : {}) },
  };
  const statement = (suffix: string, resources: string[], conditions: Conditions = {}) =>
    new PolicyStatement({
      sid: `${sid}${suffix}`,
      actions: ['ec2:RunInstances'],
      resources,
      conditions: Object.fromEntries(Object.entries(conditions).filter(([, keys]) => Object.keys(keys).length > 0)),
    });
  const templates = launchTemplates(scope, launch);
  return [
    statement('AllowedLaunchTemplates', templates.resources, templates.conditions),
    statement('ImagesOfAllowedOwners', [images(scope)], { StringEquals: { 'ec2:Owner': launch.imageOwners } }),
    statement('InAllowedSubnets', subnets ?? [ec2(scope, 'subnet/*')], inVpcs),
    statement('WithSecurityGroupsOfAllowedVpcs', [ec2(scope, 'security-group/*')], inVpcs),
    statement('WithInterfacesInAllowedSubnets', [ec2(scope, 'network-interface/*')], interfaces),
    statement('WithVolumesAndKeyPair', [ec2(scope, 'volume/*'), ec2(scope, 'key-pair/*')]),
  ];
}

const LAUNCH_WILDCARDS =
  'RunInstances also needs the launch template, AMI, subnets, security groups, interfaces, volumes and key pair ' +
  'the service uses: launch templates by ARN or tag, AMIs by owner (ec2:Owner), subnets, security groups and ' +
  'interfaces by VPC (ec2:Vpc) when the deployer names them; volumes and key pair come from the launch template';

/** Launch a version: its target group and instances, tagged on create, within the deployer's launch scope. */
export function fleetLaunch(scope: Construct, launch: LaunchScope): Permission {
  const targetGroups = elb(scope, 'targetgroup/*');
  // A launch without a profile passes; one with a profile must use an allowed one.
  const profile = launch.instanceProfileArns && {
    ArnEqualsIfExists: { 'ec2:InstanceProfile': launch.instanceProfileArns },
  };
  const statements = [
    new PolicyStatement({
      sid: 'CreateRunTargetGroup',
      actions: ['elasticloadbalancing:CreateTargetGroup'],
      resources: [targetGroups],
      conditions: REQUEST_TAGGED,
    }),
    elbTagOnCreate('TagRunTargetGroupOnCreate', targetGroups, 'CreateTargetGroup'),
    new PolicyStatement({
      sid: 'RunTaggedInstances',
      actions: ['ec2:RunInstances'],
      resources: [ec2(scope, 'instance/*')],
      conditions: { ...REQUEST_TAGGED, ...profile },
    }),
    ...launchFrom(scope, launch, 'RunInstances'),
    ec2TagOnLaunch(scope, 'TagInstancesOnCreate'),
  ];
  return {
    statements,
    wildcards: `target groups and instances are created per run (${TAGGED}); ${LAUNCH_WILDCARDS}; CreateTags only as part of RunInstances`,
  };
}

/**
 * Register a version's instances: at launch, and later (check-health, and the judge, which looks at health
 * too) for instances that were still pending at launch.
 */
export function fleetRegister(scope: Construct): Permission {
  return {
    statements: [
      new PolicyStatement({
        sid: 'RegisterIntoRunTargetGroups',
        actions: ['elasticloadbalancing:RegisterTargets'],
        resources: [elb(scope, 'targetgroup/*')],
        conditions: RESOURCE_TAGGED,
      }),
    ],
    wildcards: `target groups are created per run; ${TAGGED}`,
  };
}

/** Pass the instance role of a launch template's instance profile, to EC2 only (RunInstances, and Auto Scaling's check of it). */
export function passInstanceRole(instanceRoleArns: string[]): Permission {
  const statements =
    instanceRoleArns.length === 0
      ? []
      : [
          new PolicyStatement({
            sid: 'PassInstanceRole',
            actions: ['iam:PassRole'],
            resources: instanceRoleArns,
            conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
          }),
        ];
  return { statements, wildcards: 'none' };
}

/** Remove what a run launched: only resources carrying the run-id tag. */
export function fleetTeardown(scope: Construct): Permission {
  return {
    statements: [
      new PolicyStatement({
        sid: 'RemoveRunTargetGroups',
        actions: ['elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:DeleteTargetGroup'],
        resources: [elb(scope, 'targetgroup/*')],
        conditions: RESOURCE_TAGGED,
      }),
      new PolicyStatement({
        sid: 'TerminateRunInstances',
        actions: ['ec2:TerminateInstances'],
        resources: [ec2(scope, 'instance/*')],
        conditions: RESOURCE_TAGGED,
      }),
    ],
    wildcards: `target groups and instances are created per run; ${TAGGED}`,
  };
}

export function metricsRead(prometheusWorkspaceArns: string[]): Permission {
  const statements = [
    new PolicyStatement({
      sid: 'MetricsRead',
      actions: ['cloudwatch:GetMetricData', 'cloudwatch:GetMetricStatistics', 'cloudwatch:ListMetrics'],
      resources: ['*'],
    }),
  ];
  if (prometheusWorkspaceArns.length > 0) {
    statements.push(
      new PolicyStatement({
        sid: 'PrometheusQuery',
        actions: ['aps:QueryMetrics', 'aps:GetLabels', 'aps:GetSeries', 'aps:GetMetricMetadata'],
        resources: prometheusWorkspaceArns,
      }),
    );
  }
  return { statements, wildcards: `CloudWatch metric reads: ${READ_ONLY}` };
}

/**
 * Promotion by instance refresh of the service's Auto Scaling groups (promote strategy autoScaling): point
 * the group at the canary's launch template version (a new version first when the canary overrode the AMI,
 * instance type or user data), then refresh. Auto Scaling checks that whoever points a group at a launch
 * template version may launch from it: RunInstances on the template and what it names, CreateTags for its
 * tag specifications (and iam:PassRole for its instance profile, see passInstanceRole).
 */
export function autoScalingPromote(scope: Construct, groupNames: string[], launch: LaunchScope): Permission {
  const templates = launchTemplates(scope, launch);
  const statements =
    groupNames.length === 0
      ? []
      : [
          new PolicyStatement({
            sid: 'AutoScalingRead',
            actions: ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeInstanceRefreshes'],
            resources: ['*'],
          }),
          new PolicyStatement({
            sid: 'RefreshAllowedGroups',
            actions: ['autoscaling:StartInstanceRefresh', 'autoscaling:UpdateAutoScalingGroup'],
            resources: groupNames.map((name) =>
              colonArn(scope, 'autoscaling', 'autoScalingGroup', `*:autoScalingGroupName/${name}`),
            ),
          }),
          // Only on the launch templates runs may use: a group on $Latest picks up the version made here.
          new PolicyStatement({
            sid: 'CreateCanaryLaunchTemplateVersion',
            actions: ['ec2:CreateLaunchTemplateVersion'],
            resources: templates.resources,
            conditions: templates.conditions,
          }),
          new PolicyStatement({
            sid: 'LaunchFromLaunchTemplates',
            actions: ['ec2:RunInstances'],
            resources: [ec2(scope, 'instance/*')],
            // Only launches from a launch template (what the group is pointed at), itself limited below.
            conditions: { ArnLike: { 'ec2:LaunchTemplate': ec2(scope, 'launch-template/*') } },
          }),
          ...launchFrom(scope, launch, 'PromoteLaunch'),
          ec2TagOnLaunch(scope, 'TagLaunchTemplateInstances'),
        ];
  return {
    statements,
    wildcards:
      `${READ_ONLY}; an Auto Scaling group ARN contains a generated id, the name part is fixed; the service's ` +
      'launch template is named in each run input (unknown at deploy time, limited by ARN or tag): new versions ' +
      'of it, and launching from it (only from a launch template, condition ec2:LaunchTemplate) for the check ' +
      `Auto Scaling makes when a group is pointed at a template version; ${LAUNCH_WILDCARDS}; CreateTags only as part of RunInstances`,
  };
}

/**
 * Secrets that run inputs name (a per-run ARN, so unknown at deploy time): read access to those whose name
 * starts with `namePrefix`, e.g. `canary-judge/slack/`.
 */
export function readSecretsByNamePrefix(scope: Construct, sid: string, namePrefix: string): Permission {
  if (!/^[A-Za-z0-9/_+=.@-]+$/.test(namePrefix)) {
    throw new Error(
      `secret name prefix "${namePrefix}" must be letters, digits and / _ + = . @ - (no wildcards, not empty)`,
    );
  }
  return {
    statements: [
      new PolicyStatement({
        sid,
        actions: ['secretsmanager:GetSecretValue'],
        // Secrets Manager appends "-" and 6 random characters to the name in the ARN.
        resources: [colonArn(scope, 'secretsmanager', 'secret', `${namePrefix}*`)],
      }),
    ],
    wildcards: `secrets named per run under the operator's name prefix "${namePrefix}"`,
  };
}

export function putVerdictEvents(scope: Construct, eventBusName: string): Permission {
  return {
    statements: [
      new PolicyStatement({
        sid: 'PutVerdictEvents',
        actions: ['events:PutEvents'],
        resources: [
          Arn.format({ service: 'events', resource: 'event-bus', resourceName: eventBusName }, Stack.of(scope)),
        ],
      }),
    ],
    wildcards: 'none',
  };
}

/** Reports: objects of the run report bucket (keys are per run, unknown at deploy time) and listing it. */
export function reportObjects(bucket: IBucket): Permission {
  return {
    statements: [
      new PolicyStatement({
        sid: 'ReportObjects',
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [bucket.arnForObjects('*')],
      }),
      new PolicyStatement({ sid: 'ListReports', actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
    ],
    wildcards: 'objects of the stack-owned report bucket; keys are made per run',
  };
}

/** Read the executions of the run state machine (status, history), by name so the ARN is exact. */
export function readExecutions(scope: Construct, stateMachineName: string): Permission {
  return {
    statements: [
      new PolicyStatement({
        sid: 'ReadRunExecutions',
        actions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
        resources: [colonArn(scope, 'states', 'execution', `${stateMachineName}:*`)],
      }),
    ],
    wildcards: "executions of this stack's run state machine only; execution names are made per run",
  };
}
