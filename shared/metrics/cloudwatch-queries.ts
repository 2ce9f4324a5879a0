import type { Dimension, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { loadBalancerDimension, targetGroupDimension } from '../aws/arn';
import type { Role } from '../run-model/run-state';
import type { CloudWatchQuery, MetricQuery } from './metric-query';
import type { CountSeries, HistogramSeries, MetricRequest, MetricSeries, Scope, Series } from './metric-source';
import {
  bucketsFromCumulative,
  emptySeries,
  histogramMeans,
  meanPerTimestamp,
  rateSeries,
  ratioPerTimestamp,
} from './series';

/**
 * The pure half of the CloudWatch source: which GetMetricData queries answer a request, and how their
 * results become one series per metric and version.
 */

/**
 * What a query's results become: `value` (a series), `numerator`/`denominator` (a ratio), `events`/`total` (counts),
 * and for an exceedance, `rank` (`PR(:bound)`, percent at or below) or `exceeding` (`TC(bound:)`, the count above),
 * each paired with the `total` (`SampleCount`) of its dimension set; a histogram, a `rank` per bucket bound, the `total`
 * and the `sum` (`Sum`).
 */
export type QueryPart = 'value' | 'numerator' | 'denominator' | 'events' | 'total' | 'rank' | 'exceeding' | 'sum';

export interface PlannedQuery {
  /** Index into request.metrics. */
  metric: number;
  role: Role;
  part: QueryPart;
  /** Which of the version's dimension sets (one per instance for InstanceId scopes): pairs a rank with its total. */
  set: number;
  /** Histograms: which bound a `rank` is of (index into the query's bounds). */
  bucket?: number;
  query: MetricDataQuery;
}

export interface QueryPlan {
  queries: PlannedQuery[];
  /** Metrics that cannot be asked of CloudWatch at all, by index, with the reason. */
  errors: Map<number, string>;
}

const ROLES: Role[] = ['baseline', 'canary'];

/** One set of dimensions per series CloudWatch must return for this version (several for InstanceId). */
function dimensionSets(query: Omit<CloudWatchQuery, 'type' | 'stat'>, scope: Scope): Dimension[][] {
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

type Part = [QueryPart, CloudWatchQuery] | [QueryPart, CloudWatchQuery, number];

/** The CloudWatch statistics one metric needs, each with its part: what assembleSeries combines them into. */
function partsOf(
  query: Exclude<MetricQuery, { type: 'prometheus' | 'prometheus-counts' | 'prometheus-histogram' }>,
): Part[] {
  switch (query.type) {
    case 'cloudwatch':
      return [['value', query]];
    case 'cloudwatch-ratio':
      return [
        ['numerator', query.numerator],
        ['denominator', query.denominator],
      ];
    case 'cloudwatch-counts':
      return [...query.events.map((q): [QueryPart, CloudWatchQuery] => ['events', q]), ['total', query.total]];
    case 'cloudwatch-exceedance': {
      const { namespace, metricName, dimensions, scopeDimension } = query;
      const metric = { type: 'cloudwatch' as const, namespace, metricName, dimensions, scopeDimension };
      const bound = statBound(query.above);
      return [
        query.statistic === 'TC'
          ? ['exceeding', { ...metric, stat: `TC(${bound}:)` }]
          : ['rank', { ...metric, stat: `PR(:${bound})` }],
        ['total', { ...metric, stat: 'SampleCount' }],
      ];
    }
    case 'cloudwatch-histogram': {
      const { namespace, metricName, dimensions, scopeDimension } = query;
      const metric = { type: 'cloudwatch' as const, namespace, metricName, dimensions, scopeDimension };
      return [
        ...query.bounds.map((bound, j): Part => ['rank', { ...metric, stat: `PR(:${statBound(bound)})` }, j]),
        ['total', { ...metric, stat: 'SampleCount' }],
        ['sum', { ...metric, stat: 'Sum' }],
      ];
    }
  }
}

/** A bound as CloudWatch's statistic syntax takes it: plain decimals (at most 10 places), never `1e-7`. */
export function statBound(value: number): string {
  return value.toFixed(10).replace(/\.?0+$/, '');
}

export function planQueries(request: MetricRequest, periodSeconds: number): QueryPlan {
  const queries: PlannedQuery[] = [];
  const errors = new Map<number, string>();
  request.metrics.forEach(({ query }, metric) => {
    if (query.type === 'prometheus' || query.type === 'prometheus-counts' || query.type === 'prometheus-histogram') {
      errors.set(
        metric,
        `a ${query.type} query cannot be answered by CloudWatch (use a cloudwatch, cloudwatch-ratio, cloudwatch-counts, cloudwatch-exceedance or cloudwatch-histogram query)`,
      );
      return;
    }
    const planned: PlannedQuery[] = [];
    try {
      for (const role of ROLES) {
        for (const [part, q, bucket] of partsOf(query)) {
          dimensionSets(q, request.scopes[role]).forEach((dimensions, set) => {
            planned.push({
              metric,
              role,
              part,
              set,
              ...(bucket === undefined ? {} : { bucket }),
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
          });
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
  return query.stat === 'Sum' || query.stat === 'SampleCount' || query.stat.startsWith('TC(');
}

/**
 * Events and totals per period of one version. Totals are the sum of the total queries (one per instance for
 * InstanceId scopes, so counts add up over instances); events the sum of the event queries, a missing point counting
 * 0 where the period has a total (CloudWatch publishes no HTTPCode_Target_5XX_Count point for a minute without
 * errors). An exceedance pairs each dimension set's total (SampleCount) with its rank, events = round(total × (100 −
 * PR) / 100), or its trimmed count TC(bound:). CloudWatch answers those for every period that has samples, so a
 * period with samples but no rank or trimmed count could not be ranked (a statistic set, or raw latencies the local
 * router no longer holds): how many were slow is unknown, and the period is dropped rather than counted as none.
 * Periods without a positive total carry no requests: dropped too. Events are capped at the total.
 */
function countSeries(queries: PlannedQuery[], results: Map<string, Series>): CountSeries {
  const pointsOf = (q: PlannedQuery): Map<number, number> => {
    const series = results.get(q.query.Id ?? '') ?? emptySeries();
    return new Map(series.timestamps.map((t, i) => [t, series.values[i]]));
  };
  const totals = new Map<number, number>();
  const events = new Map<number, number>();
  const unknown = new Set<number>();
  const add = (map: Map<number, number>, t: number, v: number) => map.set(t, (map.get(t) ?? 0) + v);
  for (const total of queries.filter((q) => q.part === 'total')) {
    const paired = queries.find((q) => (q.part === 'rank' || q.part === 'exceeding') && q.set === total.set);
    const above = paired && pointsOf(paired);
    for (const [t, v] of pointsOf(total)) {
      const n = Math.round(v);
      add(totals, t, n);
      if (!paired || !above || n <= 0) continue;
      const x = above.get(t);
      if (x === undefined) unknown.add(t);
      else if (paired.part === 'exceeding') add(events, t, Math.round(x));
      else add(events, t, Math.round((n * (100 - Math.min(Math.max(x, 0), 100))) / 100));
    }
  }
  for (const event of queries.filter((q) => q.part === 'events')) {
    for (const [t, v] of pointsOf(event)) if (totals.has(t)) add(events, t, Math.round(v));
  }
  const timestamps = [...totals.keys()]
    .filter((t) => (totals.get(t) as number) > 0 && !unknown.has(t))
    .sort((a, b) => a - b);
  return {
    events: { timestamps, values: timestamps.map((t) => Math.min(events.get(t) ?? 0, totals.get(t) as number)) },
    totals: { timestamps, values: timestamps.map((t) => totals.get(t) as number) },
  };
}

/** A query's points by timestamp. */
function pointsByTime(q: PlannedQuery, results: Map<string, Series>): Map<number, number> {
  const series = results.get(q.query.Id ?? '') ?? emptySeries();
  return new Map(series.timestamps.map((t, i) => [t, series.values[i]]));
}

/**
 * One version's requests per bucket and sum per period. For each dimension set (one per instance for InstanceId
 * scopes, added up): n = SampleCount, the requests up to bound j = n × PR(:bound j) / 100 (bucketsFromCumulative).
 * As for an exceedance, a period with samples but any rank missing could not be ranked and is dropped; a period
 * without samples carries no requests.
 */
function histogramSeries(queries: PlannedQuery[], results: Map<string, Series>, bounds: number[]): HistogramSeries {
  const counts = new Map<number, number[]>();
  const sums = new Map<number, number>();
  const unknown = new Set<number>();
  for (const total of queries.filter((q) => q.part === 'total')) {
    const ranks = bounds.map((_, j) => {
      const rank = queries.find((q) => q.part === 'rank' && q.set === total.set && q.bucket === j);
      return rank ? pointsByTime(rank, results) : new Map<number, number>();
    });
    const sumQuery = queries.find((q) => q.part === 'sum' && q.set === total.set);
    const sumAt = sumQuery ? pointsByTime(sumQuery, results) : new Map<number, number>();
    for (const [t, v] of pointsByTime(total, results)) {
      const n = Math.round(v);
      if (!(n > 0)) continue;
      const upTo = ranks.map((points) => {
        const rank = points.get(t);
        if (rank === undefined || !Number.isFinite(rank)) unknown.add(t);
        return (n * Math.min(Math.max(rank ?? 0, 0), 100)) / 100;
      });
      const period = bucketsFromCumulative(n, upTo);
      const before = counts.get(t);
      counts.set(t, before ? before.map((c, j) => c + period[j]) : period);
      sums.set(t, (sums.get(t) ?? 0) + (sumAt.get(t) ?? NaN));
    }
  }
  const timestamps = [...counts.keys()]
    .filter((t) => !unknown.has(t) && Number.isFinite(sums.get(t)))
    .sort((a, b) => a - b);
  return {
    timestamps,
    bounds,
    counts: timestamps.map((t) => counts.get(t) as number[]),
    sums: timestamps.map((t) => sums.get(t) as number),
  };
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
    const planned = (role: Role) => plan.queries.filter((q) => q.metric === metric && q.role === role);
    const seriesOf = (role: Role, part: QueryPart) =>
      meanPerTimestamp(
        planned(role)
          .filter((q) => q.part === part)
          .map((q) => results.get(q.query.Id ?? '') ?? emptySeries()),
      );
    if (query.type === 'cloudwatch-counts' || query.type === 'cloudwatch-exceedance') {
      const counts = {
        baseline: countSeries(planned('baseline'), results),
        canary: countSeries(planned('canary'), results),
      };
      return { name, baseline: rateSeries(counts.baseline), canary: rateSeries(counts.canary), counts };
    }
    if (query.type === 'cloudwatch-histogram') {
      const histogram = {
        baseline: histogramSeries(planned('baseline'), results, query.bounds),
        canary: histogramSeries(planned('canary'), results, query.bounds),
      };
      return {
        name,
        baseline: histogramMeans(histogram.baseline),
        canary: histogramMeans(histogram.canary),
        histogram,
      };
    }
    const forRole = (role: Role): Series => {
      if (planned(role).length === 0) return emptySeries();
      if (query.type !== 'cloudwatch-ratio') return seriesOf(role, 'value');
      return ratioPerTimestamp(
        seriesOf(role, 'numerator'),
        seriesOf(role, 'denominator'),
        countsAbsenceAsZero(query.numerator),
      );
    };
    return { name, baseline: forRole('baseline'), canary: forRole('canary') };
  });
}
