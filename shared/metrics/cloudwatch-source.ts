import { CloudWatchClient, GetMetricDataCommand, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { errorMessage } from '../aws/errors';
import { assembleSeries, planQueries, type PlannedQuery } from './cloudwatch-queries';
import type { MetricRequest, MetricSeries, MetricSource, Series } from './metric-source';
import { RetriesExhaustedError, withRetry, type RetryOptions } from './retry';
import { alignWindow, toSeries } from './series';

export interface CloudWatchSourceOptions {
  periodSeconds: number;
  region?: string;
  client?: CloudWatchClient;
  retry?: RetryOptions;
}

/** GetMetricData takes at most 500 queries per call. */
export const MAX_QUERIES_PER_CALL = 500;

/** Metrics from CloudWatch GetMetricData: ALB per-target-group, per-instance or custom-dimension metrics. */
export class CloudWatchSource implements MetricSource {
  readonly description: string;
  private readonly client: CloudWatchClient;
  private readonly periodSeconds: number;
  private readonly retry: RetryOptions;

  constructor(options: CloudWatchSourceOptions) {
    this.periodSeconds = options.periodSeconds;
    this.client = options.client ?? new CloudWatchClient(options.region ? { region: options.region } : {});
    this.retry = options.retry ?? {};
    this.description = options.region ? `cloudwatch ${options.region}` : 'cloudwatch';
  }

  async fetch(request: MetricRequest): Promise<MetricSeries[]> {
    const plan = planQueries(request, this.periodSeconds);
    const window = alignWindow(request.window, this.periodSeconds);
    const results = new Map<string, Series>();
    const errors = new Map<number, string>();
    if (window.end.getTime() > window.start.getTime()) {
      for (let i = 0; i < plan.queries.length; i += MAX_QUERIES_PER_CALL) {
        const batch = plan.queries.slice(i, i + MAX_QUERIES_PER_CALL);
        try {
          const raw = await this.fetchBatch(batch, window);
          for (const q of batch) {
            const result = raw.get(q.query.Id ?? '');
            const failure = result && this.failure(result);
            if (failure) errors.set(q.metric, `${this.description}: query for the ${q.role} ${failure}`);
            else results.set(q.query.Id ?? '', this.series(result));
          }
        } catch (error) {
          const detail = error instanceof RetriesExhaustedError ? error.message : errorMessage(error);
          const message = `${this.description} GetMetricData failed: ${detail}`;
          for (const q of batch) errors.set(q.metric, message);
        }
      }
    }
    return assembleSeries(request, plan, results, errors);
  }

  /** One batch of queries, following NextToken; results of the same id on several pages are joined. */
  private async fetchBatch(
    batch: PlannedQuery[],
    window: { start: Date; end: Date },
  ): Promise<Map<string, MetricDataResult>> {
    const out = new Map<string, MetricDataResult>();
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await withRetry(
        () =>
          this.client.send(
            new GetMetricDataCommand({
              MetricDataQueries: batch.map((q) => q.query),
              StartTime: window.start,
              EndTime: window.end,
              ScanBy: 'TimestampAscending',
              NextToken: token,
            }),
          ),
        this.retry,
      );
      for (const result of page.MetricDataResults ?? []) {
        const id = result.Id ?? '';
        const seen = out.get(id);
        out.set(
          id,
          seen
            ? {
                ...result,
                Timestamps: [...(seen.Timestamps ?? []), ...(result.Timestamps ?? [])],
                Values: [...(seen.Values ?? []), ...(result.Values ?? [])],
                Messages: [...(seen.Messages ?? []), ...(result.Messages ?? [])],
              }
            : result,
        );
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return out;
  }

  /** CloudWatch answers a query it could not serve with a status code instead of an error. */
  private failure(result: MetricDataResult): string | undefined {
    if (result.StatusCode !== 'InternalError' && result.StatusCode !== 'Forbidden') return undefined;
    const messages = (result.Messages ?? []).map((m) => `${m.Code}: ${m.Value}`).join('; ');
    return `returned ${result.StatusCode}${messages ? ` (${messages})` : ''}`;
  }

  private series(result: MetricDataResult | undefined): Series {
    const timestamps = result?.Timestamps ?? [];
    const values = result?.Values ?? [];
    return toSeries(timestamps.map((t, i) => [new Date(t).getTime(), values[i]]));
  }
}
