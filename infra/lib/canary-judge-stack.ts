import { CfnParameter, Stack, type StackProps } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { CanaryJudge, type CanaryJudgeProps } from './canary-judge';

/**
 * The default deployment: one CanaryJudge. The listeners and the report retention come from the props
 * or, when absent, from CloudFormation parameters (`npx cdk deploy --parameters ListenerArns=arn1,arn2`);
 * the optional settings come from the props (infra/bin/app.ts fills them from CDK context).
 */

export type CanaryJudgeStackProps = StackProps &
  Partial<CanaryJudgeProps> & {
    /** Complete ARN of the Slack webhook secret, instead of `slackWebhookSecret`. */
    slackWebhookSecretArn?: string;
  };

export class CanaryJudgeStack extends Stack {
  readonly canaryJudge: CanaryJudge;

  constructor(scope: Construct, id: string, props: CanaryJudgeStackProps = {}) {
    super(scope, id, props);
    const listenerArns =
      props.listenerArns ??
      new CfnParameter(this, 'ListenerArns', {
        type: 'CommaDelimitedList',
        description: 'ALB listener ARNs canary runs may add their weighted rule to (comma-separated)',
      }).valueAsList;
    const reportRetentionDays =
      props.reportRetentionDays ??
      new CfnParameter(this, 'ReportRetentionDays', {
        type: 'Number',
        default: 90,
        minValue: 1,
        description: 'Days run reports are kept in the report bucket',
      }).valueAsNumber;
    const slackWebhookSecret =
      props.slackWebhookSecret ??
      (props.slackWebhookSecretArn
        ? Secret.fromSecretCompleteArn(this, 'SlackWebhookSecret', props.slackWebhookSecretArn)
        : undefined);
    this.canaryJudge = new CanaryJudge(this, 'CanaryJudge', {
      ...props,
      listenerArns,
      reportRetentionDays,
      slackWebhookSecret,
    });
  }
}
