import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  StartInstanceRefreshCommand,
  UpdateAutoScalingGroupCommand,
  type AutoScalingGroup,
  type LaunchTemplateSpecification,
} from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateVersionCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import { createHash } from 'node:crypto';
import type { PromoteConfig } from '../config/run-config';
import { runInputError } from '../config/validation';
import { isAwsError } from '../aws/errors';
import type { RunState } from '../run-model/run-state';
import type { Promoter } from './promoter';

export type AutoScalingPromoteConfig = Extract<PromoteConfig, { strategy: 'autoScaling' }>;

export interface AutoScalingPromoterDeps {
  autoScaling?: AutoScalingClient;
  ec2?: EC2Client;
}

/**
 * Promote = the production Auto Scaling group launches what the canary ran (its launch template, pinned to
 * a version number) and replaces its instances with an instance refresh that keeps minHealthyPercentage
 * in service.
 */
export class AutoScalingPromoter implements Promoter {
  private readonly autoScaling: AutoScalingClient;
  private readonly ec2: EC2Client;

  constructor(
    private readonly config: AutoScalingPromoteConfig,
    deps: AutoScalingPromoterDeps = {},
  ) {
    this.autoScaling = deps.autoScaling ?? new AutoScalingClient({});
    this.ec2 = deps.ec2 ?? new EC2Client({});
  }

  async promote(state: RunState): Promise<string> {
    const group = await this.group();
    const template = await this.canaryTemplate(state);
    const spec: LaunchTemplateSpecification = { LaunchTemplateId: template.id, Version: template.version };
    await this.autoScaling.send(
      new UpdateAutoScalingGroupCommand(
        group.MixedInstancesPolicy
          ? {
              AutoScalingGroupName: this.config.autoScalingGroupName,
              MixedInstancesPolicy: { LaunchTemplate: { LaunchTemplateSpecification: spec } },
            }
          : { AutoScalingGroupName: this.config.autoScalingGroupName, LaunchTemplate: spec },
      ),
    );
    const refresh = await this.startRefresh();
    return (
      `auto scaling group ${this.config.autoScalingGroupName} now launches ${template.id} version ${template.version}` +
      `${template.created ? ' (created from the canary)' : ''}; instance refresh ${refresh} ` +
      `(min healthy ${this.config.minHealthyPercentage}%)`
    );
  }

  private async group(): Promise<AutoScalingGroup> {
    const name = this.config.autoScalingGroupName;
    const out = await this.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
    const group = out.AutoScalingGroups?.[0];
    if (!group) throw runInputError('promote.autoScalingGroupName', `auto scaling group ${name} not found`);
    return group;
  }

  /**
   * The canary's launch template version as a number (an ASG pinned to `$Latest` would pick up whatever is
   * created next). A canary that overrode the AMI, type or user data gets a new version carrying them.
   */
  private async canaryTemplate(state: RunState): Promise<{ id: string; version: string; created: boolean }> {
    const canary = state.input.canary.aws;
    if (!canary)
      throw runInputError('canary.aws', "promoting through an auto scaling group needs the canary's aws launch spec");
    const { launchTemplateId, launchTemplateName } = canary.launchTemplate;
    const version = this.config.launchTemplateVersion ?? canary.launchTemplate.version;
    const described = await this.ec2.send(
      new DescribeLaunchTemplateVersionsCommand({
        ...(launchTemplateId ? { LaunchTemplateId: launchTemplateId } : { LaunchTemplateName: launchTemplateName }),
        Versions: [version],
      }),
    );
    const found = described.LaunchTemplateVersions?.[0];
    if (!found?.LaunchTemplateId || found.VersionNumber === undefined) {
      throw runInputError('canary.aws.launchTemplate', `launch template version ${version} not found`);
    }
    const overrides =
      this.config.launchTemplateVersion === undefined && (canary.imageId || canary.instanceType || canary.userData);
    if (!overrides) return { id: found.LaunchTemplateId, version: String(found.VersionNumber), created: false };
    const created = await this.ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: found.LaunchTemplateId,
        SourceVersion: String(found.VersionNumber),
        VersionDescription: `canary-judge run ${state.runId}: ${state.input.canary.version}`,
        // A retried promote gets the same version back instead of a second one.
        ClientToken: createHash('sha256').update(`${state.runId}/promote`).digest('hex').slice(0, 64),
        LaunchTemplateData: {
          ImageId: canary.imageId,
          InstanceType: canary.instanceType as _InstanceType | undefined,
          UserData: canary.userData === undefined ? undefined : Buffer.from(canary.userData, 'utf8').toString('base64'),
        },
      }),
    );
    const number = created.LaunchTemplateVersion?.VersionNumber;
    if (number === undefined)
      throw new Error(`CreateLaunchTemplateVersion on ${found.LaunchTemplateId} returned no version`);
    return { id: found.LaunchTemplateId, version: String(number), created: true };
  }

  private async startRefresh(): Promise<string> {
    const name = this.config.autoScalingGroupName;
    try {
      const out = await this.autoScaling.send(
        new StartInstanceRefreshCommand({
          AutoScalingGroupName: name,
          Strategy: 'Rolling',
          Preferences: { MinHealthyPercentage: this.config.minHealthyPercentage },
        }),
      );
      return `${out.InstanceRefreshId} started`;
    } catch (error) {
      if (!isAwsError(error, 'InstanceRefreshInProgress', 'InstanceRefreshInProgressFault')) throw error;
      // A retried promote: the refresh the first attempt started is running.
      const running = await this.autoScaling.send(
        new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: name, MaxRecords: 1 }),
      );
      return `${running.InstanceRefreshes?.[0]?.InstanceRefreshId ?? '(unknown)'} already in progress`;
    }
  }
}
