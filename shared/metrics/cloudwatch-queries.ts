import type { Dimension, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { loadBalancerDimension, targetGroupDimension } from '../aws/arn';
import type { Role } from '../run/run-state';
import type { CloudWatchQuery } from './metric-query';
import type { MetricRequest, MetricSeries, Scope, Series } from './metric-source';
import { emptySeries, meanPerTimestamp, ratioPerTimestamp } from './series';

/**
 * The pure half of the CloudWatch source: which GetMetricData queries answer a request, and how their
 * results become one series per metric and version.
 */

export type QueryPart = 'value' | 'numerator' | 'denominator';

export interface PlannedQuery {
  /** Index into request.metrics. */
  metric: number;
  role: Role;
  part: QueryPart;
  query: MetricDataQuery;
}

export interface QueryPlan {
  queries: PlannedQuery[];
  /** Metrics that cannot be asked of CloudWatch at all, by index, with the reason. */
  errors: Map<number, string>;
}

const ROLES: Role[] = ['baseline', 'canary'];

/** One set of dimensions per series CloudWatch must return for this version (several for InstanceId). */
function dimensionSets(query: CloudWatchQuery, scope: Scope): Dimension[][] {
  const base = Object.entries(query.dimensions).map(([Name, Value]) => ({ Name, Value }));
  // Sorted by name: CloudWatch ignores the order, and a stable one keeps requests comparable.
  const withScope = (extra: Dimension[]) =>
    [...base.filter((d) => !extra.some((e) => e.Name === d.Name)), ...extra].sort((a, b) =>
      (a.Name ?? '').localeCompare(b.Name ?? ''),
    );
  const scopeDimension = query.scopeDimension;
  if (scopeDimension === 'TargetGroup') {
    if (!scope.loadBalancerArn) {
      throw new Error(`the ${scope.role} has no load balancer ARN, needed for the LoadBalancer dimension`);
    }
    return [
      withScope([
        { Name: 'LoadBalancer', Value: loadBalancerDimension(scope.loadBalancerArn) },
        { Name: 'TargetGroup', Value: targetGroupDimension(scope.targetGroupArn) },
      ]),
    ];
  }
  if (scopeDimension === 'InstanceId')
    return scope.instanceIds.map((id) => withScope([{ Name: 'InstanceId', Value: id }]));
  return [withScope([{ Name: scopeDimension.dimension, Value: scope.version }])];
}

export function planQueries(request: MetricRequest, periodSeconds: number): QueryPlan {
  const queries: PlannedQuery[] = [];
  const errors = new Map<number, string>();
  request.metrics.forEach(({ query }, metric) => {
    if (query.type === 'prometheus') {
      errors.set(
        metric,
        'a prometheus query cannot be answered by CloudWatch (use a cloudwatch or cloudwatch-ratio query)',
      );
      return;
    }
    const parts: [QueryPart, CloudWatchQuery][] =
      query.type === 'cloudwatch'
        ? [['value', query]]
        : [
            ['numerator', query.numerator],
            ['denominator', query.denominator],
          ];
    const planned: PlannedQuery[] = [];
    try {
      for (const role of ROLES) {
        for (const [part, q] of parts) {
          for (const dimensions of dimensionSets(q, request.scopes[role])) {
            planned.push({
              metric,
              role,
              part,
              query: {
                Id: '',
                MetricStat: {
                  Metric: { Namespace: q.namespace, MetricName: q.metricName, Dimensions: dimensions },
                  Period: periodSeconds,
                  Stat: q.stat,
                },
                ReturnData: true,
              },
            });
          }
        }
      }
    } catch (error) {
      errors.set(metric, (error as Error).message);
      return;
    }
    queries.push(...planned);
  });
  // Ids must start with a lower-case letter and be unique within a request.
  queries.forEach((q, i) => (q.query.Id = `q${i}`));
  return { queries, errors };
}

/** Count-like statistics: a period without a point had nothing to count. */
function countsAbsenceAsZero(query: CloudWatchQuery): boolean {
  return query.stat === 'Sum' || query.stat === 'SampleCount';
}

/** Series per metric and version from the results (by query id); a metric with an error gets empty series. */
export function assembleSeries(
  request: MetricRequest,
  plan: QueryPlan,
  results: Map<string, Series>,
  errors: Map<number, string>,
): MetricSeries[] {
  return request.metrics.map(({ name, query }, metric) => {
    const error = plan.errors.get(metric) ?? errors.get(metric);
    if (error !== undefined) return { name, baseline: emptySeries(), canary: emptySeries(), error };
    const seriesOf = (role: Role, part: QueryPart) =>
      meanPerTimestamp(
        plan.queries
          .filter((q) => q.metric === metric && q.role === role && q.part === part)
          .map((q) => results.get(q.query.Id ?? '') ?? emptySeries()),
      );
    const forRole = (role: Role): Series => {
      if (query.type !== 'cloudwatch-ratio') {
        const parts = plan.queries.filter((q) => q.metric === metric && q.role === role);
        return parts.length === 0 ? emptySeries() : seriesOf(role, 'value');
      }
      if (!plan.queries.some((q) => q.metric === metric && q.role === role)) return emptySeries();
      return ratioPerTimestamp(
        seriesOf(role, 'numerator'),
        seriesOf(role, 'denominator'),
        countsAbsenceAsZero(query.numerator),
      );
    };
    return { name, baseline: forRole('baseline'), canary: forRole('canary') };
  });
}
