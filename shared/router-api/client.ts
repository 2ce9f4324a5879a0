import { httpRequest, type HttpAnswer } from '../net/http-request';
import type {
  CreateRuleInput,
  CreateTargetGroupInput,
  ForwardActionInput,
  GetMetricDataInput,
  ModifyRuleInput,
  Tag,
  TargetInput,
} from './schemas';
import type {
  ListenerView,
  MetricDataResult,
  ResourceType,
  RuleView,
  TargetGroupView,
  TargetHealthView,
} from './views';

/** A typed client of the local router's admin API (admin-api.ts lists the endpoints). */

export class RouterApiError extends Error {
  override readonly name = 'RouterApiError';
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RouterInfo {
  loadBalancerArn: string;
  listenerArn: string;
  productionTargetGroupArn: string;
}

export class RouterAdminClient {
  readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  ping(): Promise<RouterInfo> {
    return this.call('GET', '/admin/ping');
  }

  async describeListeners(): Promise<ListenerView[]> {
    return (await this.call<{ listeners: ListenerView[] }>('GET', '/admin/listeners')).listeners;
  }

  async modifyListener(listenerArn: string, defaultActions: ForwardActionInput[]): Promise<ListenerView> {
    return (await this.call<{ listener: ListenerView }>('PUT', '/admin/listeners', { listenerArn, defaultActions }))
      .listener;
  }

  async describeTargetGroups(filter: { arns?: string[]; names?: string[] } = {}): Promise<TargetGroupView[]> {
    const query: [string, string][] = [
      ...(filter.arns ?? []).map((a): [string, string] => ['arn', a]),
      ...(filter.names ?? []).map((n): [string, string] => ['name', n]),
    ];
    return (await this.call<{ targetGroups: TargetGroupView[] }>('GET', '/admin/target-groups', undefined, query))
      .targetGroups;
  }

  async createTargetGroup(input: CreateTargetGroupInput): Promise<TargetGroupView> {
    return (await this.call<{ targetGroup: TargetGroupView }>('POST', '/admin/target-groups', input)).targetGroup;
  }

  async deleteTargetGroup(arn: string): Promise<void> {
    await this.call('DELETE', '/admin/target-groups', undefined, [['arn', arn]]);
  }

  async registerTargets(targetGroupArn: string, targets: TargetInput[]): Promise<TargetHealthView[]> {
    return (
      await this.call<{ targetHealthDescriptions: TargetHealthView[] }>('POST', '/admin/targets/register', {
        targetGroupArn,
        targets,
      })
    ).targetHealthDescriptions;
  }

  async deregisterTargets(targetGroupArn: string, targets: TargetInput[]): Promise<TargetHealthView[]> {
    return (
      await this.call<{ targetHealthDescriptions: TargetHealthView[] }>('POST', '/admin/targets/deregister', {
        targetGroupArn,
        targets,
      })
    ).targetHealthDescriptions;
  }

  async describeTargetHealth(targetGroupArn: string): Promise<TargetHealthView[]> {
    return (
      await this.call<{ targetHealthDescriptions: TargetHealthView[] }>('GET', '/admin/target-health', undefined, [
        ['targetGroupArn', targetGroupArn],
      ])
    ).targetHealthDescriptions;
  }

  async describeRules(filter: { listenerArn?: string; ruleArns?: string[] } = {}): Promise<RuleView[]> {
    const query: [string, string][] = [
      ...(filter.listenerArn ? [['listenerArn', filter.listenerArn] as [string, string]] : []),
      ...(filter.ruleArns ?? []).map((r): [string, string] => ['ruleArn', r]),
    ];
    return (await this.call<{ rules: RuleView[] }>('GET', '/admin/rules', undefined, query)).rules;
  }

  async createRule(input: CreateRuleInput): Promise<RuleView> {
    return (await this.call<{ rule: RuleView }>('POST', '/admin/rules', input)).rule;
  }

  async modifyRule(input: ModifyRuleInput): Promise<RuleView> {
    return (await this.call<{ rule: RuleView }>('PUT', '/admin/rules', input)).rule;
  }

  async deleteRule(ruleArn: string): Promise<void> {
    await this.call('DELETE', '/admin/rules', undefined, [['ruleArn', ruleArn]]);
  }

  async describeTags(resourceArns: string[]): Promise<{ resourceArn: string; tags: Tag[] }[]> {
    return (
      await this.call<{ tagDescriptions: { resourceArn: string; tags: Tag[] }[] }>(
        'GET',
        '/admin/tags',
        undefined,
        resourceArns.map((a): [string, string] => ['resourceArn', a]),
      )
    ).tagDescriptions;
  }

  async addTags(resourceArns: string[], tags: Tag[]): Promise<void> {
    await this.call('POST', '/admin/tags', { resourceArns, tags });
  }

  async removeTags(resourceArns: string[], tagKeys: string[]): Promise<void> {
    await this.call('POST', '/admin/tags/remove', { resourceArns, tagKeys });
  }

  /** Resources carrying every tag given (`value` absent = any value). */
  async findResources(
    tags: { key: string; value?: string }[],
    type?: ResourceType,
  ): Promise<{ resourceArn: string; type: ResourceType; tags: Tag[] }[]> {
    const query: [string, string][] = [
      ...tags.map((t): [string, string] => ['tag', t.value === undefined ? t.key : `${t.key}=${t.value}`]),
      ...(type ? [['type', type] as [string, string]] : []),
    ];
    return (
      await this.call<{ resources: { resourceArn: string; type: ResourceType; tags: Tag[] }[] }>(
        'GET',
        '/admin/resources',
        undefined,
        query,
      )
    ).resources;
  }

  async getMetricData(input: GetMetricDataInput): Promise<MetricDataResult[]> {
    return (await this.call<{ metricDataResults: MetricDataResult[] }>('POST', '/admin/metric-data', input))
      .metricDataResults;
  }

  private async call<T>(method: string, path: string, body?: unknown, query: [string, string][] = []): Promise<T> {
    const url = `${this.baseUrl}${path}${query.length > 0 ? `?${new URLSearchParams(query).toString()}` : ''}`;
    let response: HttpAnswer;
    try {
      response = await httpRequest(url, {
        method,
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs: this.timeoutMs,
      });
    } catch (error) {
      const cause = (error as { code?: string }).code ?? (error as Error).message;
      throw new RouterApiError(
        'Unreachable',
        0,
        `local router admin API at ${this.baseUrl} is not reachable (${cause}); is the router running?`,
      );
    }
    const { status, text } = response;
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      throw new RouterApiError(
        'InvalidResponse',
        status,
        `${method} ${path}: the router answered ${status} with non-JSON`,
      );
    }
    if (status < 200 || status > 299) {
      const error = (parsed as { error?: { code?: string; message?: string } }).error;
      throw new RouterApiError(
        error?.code ?? 'HttpError',
        status,
        `${method} ${path}: ${error?.code ?? status}: ${error?.message ?? text}`,
      );
    }
    return parsed as T;
  }
}
