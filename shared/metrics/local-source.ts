import { RouterAdminClient, RouterApiError } from '../router-api/client';
import type { MetricDataResult } from '../router-api/views';
import { errorMessage } from '../aws/errors';
import { assembleSeries, planQueries, type PlannedQuery } from './cloudwatch-queries';
import type { CloudWatchQuery, MetricQuery } from './metric-query';
import type { MetricRequest, MetricSeries, MetricSource, Series } from './metric-source';
import { RetriesExhaustedError, withRetry, type RetryOptions } from './retry';
import { alignWindow, toSeries } from './series';

/**
 * Metrics from the local router's per-target-group stats: the same CloudWatch-shaped queries (and the same
 * planning and ratio rules) as CloudWatchSource, answered by the router's GetMetricData stand-in, so metric
 * presets work unchanged locally. Only AWS/ApplicationELB metrics scoped by TargetGroup exist locally;
 * anything else gets a per-metric error saying so.
 */

export interface LocalMetricSourceOptions {
  /** The local router's admin URL (CANARY_JUDGE_ROUTER_URL). */
  routerUrl: string;
  periodSeconds: number;
  retry?: RetryOptions;
}

const NAMESPACE = 'AWS/ApplicationELB';
/** Router messages that mean "nothing recorded (yet)", not "cannot answer". */
const BENIGN = new Set(['NoData', 'PartialData']);

const retryable = (error: unknown): boolean =>
  error instanceof RouterApiError && (error.code === 'Unreachable' || error.status >= 500);

export class LocalMetricSource implements MetricSource {
  readonly description: string;
  private readonly router: RouterAdminClient;
  private readonly periodSeconds: number;
  private readonly retry: RetryOptions;

  constructor(options: LocalMetricSourceOptions) {
    this.router = new RouterAdminClient(options.routerUrl);
    this.periodSeconds = options.periodSeconds;
    this.retry = { retryable, ...options.retry };
    this.description = `local router ${this.router.baseUrl}`;
  }

  async fetch(request: MetricRequest): Promise<MetricSeries[]> {
    const unsupported = new Map<number, string>();
    request.metrics.forEach(({ query }, i) => {
      const reason = this.unsupported(cloudWatchQueriesOf(query));
      if (reason) unsupported.set(i, reason);
    });
    const planned = planQueries(request, this.periodSeconds);
    const plan = {
      queries: planned.queries.filter((q) => !unsupported.has(q.metric)),
      errors: new Map([...planned.errors, ...unsupported]),
    };
    const window = alignWindow(request.window, this.periodSeconds);
    const results = new Map<string, Series>();
    const errors = new Map<number, string>();
    if (plan.queries.length > 0 && window.end.getTime() > window.start.getTime()) {
      try {
        const raw = await withRetry(() => this.router.getMetricData(this.body(plan.queries, window)), this.retry);
        for (const q of plan.queries) {
          const result = raw.find((r) => r.id === q.query.Id);
          const failure = result?.messages.filter((m) => !BENIGN.has(m.code)).map((m) => `${m.code}: ${m.value}`);
          if (!failure?.length) results.set(q.query.Id ?? '', series(result));
          else if (!errors.has(q.metric)) {
            errors.set(q.metric, `${this.description}: query for the ${q.role} returned ${failure.join('; ')}`);
          }
        }
      } catch (error) {
        const detail = error instanceof RetriesExhaustedError ? error.message : errorMessage(error);
        for (const q of plan.queries) errors.set(q.metric, `${this.description} GetMetricData failed: ${detail}`);
      }
    }
    return assembleSeries(request, plan, results, errors);
  }

  private unsupported(
    queries: Pick<CloudWatchQuery, 'namespace' | 'metricName' | 'scopeDimension'>[] | undefined,
  ): string | undefined {
    if (!queries) {
      return `${this.description} answers cloudwatch, cloudwatch-ratio, cloudwatch-counts, cloudwatch-exceedance and cloudwatch-histogram queries only; use metricsSource.type "prometheus" for PromQL`;
    }
    for (const q of queries) {
      if (q.namespace !== NAMESPACE)
        return `${this.description} has only ${NAMESPACE} metrics, not ${q.namespace} ${q.metricName}`;
      if (q.scopeDimension !== 'TargetGroup') {
        return `${this.description} tells versions apart by TargetGroup only, not by ${typeof q.scopeDimension === 'string' ? q.scopeDimension : q.scopeDimension.dimension} (${q.metricName})`;
      }
    }
    return undefined;
  }

  private body(queries: PlannedQuery[], window: { start: Date; end: Date }) {
    return {
      startTime: window.start.getTime(),
      endTime: window.end.getTime(),
      scanBy: 'TimestampAscending' as const,
      metricDataQueries: queries.map((q) => ({
        id: q.query.Id ?? '',
        metricStat: {
          metric: {
            namespace: q.query.MetricStat?.Metric?.Namespace ?? '',
            metricName: q.query.MetricStat?.Metric?.MetricName ?? '',
            dimensions: (q.query.MetricStat?.Metric?.Dimensions ?? []).map((d) => ({
              name: d.Name ?? '',
              value: d.Value ?? '',
            })),
          },
          period: q.query.MetricStat?.Period ?? this.periodSeconds,
          stat: q.query.MetricStat?.Stat ?? 'Average',
        },
      })),
    };
  }
}

/** The CloudWatch metrics a query reads; undefined for PromQL, which the router cannot answer. */
function cloudWatchQueriesOf(
  query: MetricQuery,
): Pick<CloudWatchQuery, 'namespace' | 'metricName' | 'scopeDimension'>[] | undefined {
  switch (query.type) {
    case 'prometheus':
    case 'prometheus-counts':
    case 'prometheus-histogram':
      return undefined;
    case 'cloudwatch':
    case 'cloudwatch-exceedance':
    case 'cloudwatch-histogram':
      return [query];
    case 'cloudwatch-ratio':
      return [query.numerator, query.denominator];
    case 'cloudwatch-counts':
      return [...query.events, query.total];
  }
}

function series(result: MetricDataResult | undefined): Series {
  return toSeries((result?.timestamps ?? []).map((t, i) => [t, result?.values[i] ?? 0]));
}
