#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import type { LaunchOverride } from '../../shared/config/launch-overrides';
import { CanaryJudgeStack } from '../lib/canary-judge-stack';

/**
 * `npx cdk deploy` deploys CanaryJudgeStack. Required: the listener ARNs (CloudFormation parameter
 * ListenerArns, or context `listenerArns`). Optional context (-c key=value or cdk.json "context"):
 * namePrefix, logLevel, reportRetentionDays, slackWebhookSecretArn, slackWebhookSecretNamePrefix,
 * promoteWebhookSecretNamePrefix, instanceRoleArns, autoScalingGroupNames, prometheusWorkspaceArns,
 * launchTemplateArns, launchTemplateTag (key=value), imageOwners, vpcIds, subnetIds, instanceProfileArns,
 * allowedLaunchOverrides (lists comma-separated), stackName.
 */

const app = new App();

function list(key: string): string[] | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === '') return undefined;
  if (Array.isArray(value)) return value.map(String);
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function text(key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  return value === undefined || value === '' ? undefined : String(value);
}

/** `key=value` (the value may contain '='). */
function keyValue(key: string): { key: string; value: string } | undefined {
  const raw = text(key);
  if (raw === undefined) return undefined;
  const at = raw.indexOf('=');
  if (at <= 0) throw new Error(`context ${key} must be key=value, got "${raw}"`);
  return { key: raw.slice(0, at), value: raw.slice(at + 1) };
}

const retention = text('reportRetentionDays');
new CanaryJudgeStack(app, text('stackName') ?? 'CanaryJudgeStack', {
  description: 'canary-judge: automated canary analysis for EC2 services behind an ALB',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  listenerArns: list('listenerArns'),
  namePrefix: text('namePrefix'),
  logLevel: text('logLevel'),
  reportRetentionDays: retention === undefined ? undefined : Number(retention),
  instanceRoleArns: list('instanceRoleArns'),
  autoScalingGroupNames: list('autoScalingGroupNames'),
  prometheusWorkspaceArns: list('prometheusWorkspaceArns'),
  slackWebhookSecretArn: text('slackWebhookSecretArn'),
  slackWebhookSecretNamePrefix: text('slackWebhookSecretNamePrefix'),
  promoteWebhookSecretNamePrefix: text('promoteWebhookSecretNamePrefix'),
  launchTemplateArns: list('launchTemplateArns'),
  launchTemplateTag: keyValue('launchTemplateTag'),
  imageOwners: list('imageOwners'),
  vpcIds: list('vpcIds'),
  subnetIds: list('subnetIds'),
  instanceProfileArns: list('instanceProfileArns'),
  allowedLaunchOverrides: list('allowedLaunchOverrides') as LaunchOverride[] | undefined,
});
