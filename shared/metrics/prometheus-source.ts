import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { errorMessage } from '../aws/errors';
import { QUERY_TYPES_BY_SOURCE, type PrometheusCountsQuery, type PrometheusHistogramQuery } from './metric-query';
import type {
  CountSeries,
  HistogramSeries,
  MetricRequest,
  MetricSeries,
  MetricSource,
  Scope,
  Series,
} from './metric-source';
import { evaluationRange, parseSampleValue, renderQuery, scopeSelector } from './prometheus-query';
import { HttpStatusError, RetriesExhaustedError, withRetry, type RetryOptions } from './retry';
import { bucketsFromCumulative, emptySeries, histogramMeans, rateSeries, toSeries } from './series';

export interface PrometheusSourceOptions {
  /** Base URL: `http://prometheus:9090`, or an Amazon Managed Prometheus workspace URL `.../workspaces/ws-...`. */
  url: string;
  stepSeconds: number;
  scopeSelector: string;
  /** Sign requests with SigV4 (Amazon Managed Service for Prometheus); credentials from the default chain. */
  sigv4?: { region: string; service?: string };
  credentials?: AwsCredentialIdentityProvider;
  retry?: RetryOptions;
  /** Per request (default 30 s). */
  timeoutMs?: number;
}

interface RangeSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

interface QueryRangeResponse {
  status: 'success' | 'error';
  errorType?: string;
  error?: string;
  data?: { resultType: string; result: RangeSeries[] };
}

/** Metrics from Prometheus' /api/v1/query_range, one query per version with the version's label selector. */
export class PrometheusSource implements MetricSource {
  readonly description: string;
  private readonly endpoint: URL;
  private readonly signer?: SignatureV4;

  constructor(private readonly options: PrometheusSourceOptions) {
    this.endpoint = new URL(`${options.url.replace(/\/+$/, '')}/api/v1/query_range`);
    this.description = `prometheus ${options.url}`;
    if (options.sigv4) {
      this.signer = new SignatureV4({
        service: options.sigv4.service ?? 'aps',
        region: options.sigv4.region,
        credentials: options.credentials ?? defaultProvider(),
        sha256: Sha256,
      });
    }
  }

  async fetch(request: MetricRequest): Promise<MetricSeries[]> {
    const range = evaluationRange(request.window, this.options.stepSeconds);
    const out: MetricSeries[] = [];
    for (const { name, query } of request.metrics) {
      if (!(QUERY_TYPES_BY_SOURCE.prometheus as readonly string[]).includes(query.type)) {
        out.push({
          name,
          baseline: emptySeries(),
          canary: emptySeries(),
          error: `a ${query.type} query cannot be answered by Prometheus (use a prometheus, prometheus-counts or prometheus-histogram query)`,
        });
        continue;
      }
      if (!range) {
        out.push({ name, baseline: emptySeries(), canary: emptySeries() });
        continue;
      }
      try {
        if (query.type === 'prometheus') {
          const series = await this.bothVersions(request, (scope) => this.series(query.query, scope, range));
          out.push({ name, ...withInfinityAsLargest(series) });
        } else if (query.type === 'prometheus-counts') {
          out.push({
            name,
            ...countsResult(await this.bothVersions(request, (scope) => this.counts(query, scope, range))),
          });
        } else if (query.type === 'prometheus-histogram') {
          const histogram = await this.bothVersions(request, (scope) => this.histogram(query, scope, range));
          out.push({
            name,
            baseline: histogramMeans(histogram.baseline),
            canary: histogramMeans(histogram.canary),
            histogram,
          });
        }
      } catch (error) {
        const detail = error instanceof RetriesExhaustedError ? error.message : errorMessage(error);
        out.push({ name, baseline: emptySeries(), canary: emptySeries(), error: `${this.description}: ${detail}` });
      }
    }
    return out;
  }

  /**
   * Both versions are queried at once; when both fail, the baseline's error is thrown so the message does not depend
   * on which answer came first.
   */
  private async bothVersions<T>(
    request: MetricRequest,
    read: (scope: Scope) => Promise<T>,
  ): Promise<{ baseline: T; canary: T }> {
    const [baseline, canary] = await Promise.allSettled([read(request.scopes.baseline), read(request.scopes.canary)]);
    if (baseline.status === 'rejected') throw baseline.reason;
    if (canary.status === 'rejected') throw canary.reason;
    return { baseline: baseline.value, canary: canary.value };
  }

  /** Events and totals per step of one version: whole counts, periods without requests dropped. */
  private async counts(
    query: PrometheusCountsQuery,
    scope: Scope,
    range: { start: number; end: number },
  ): Promise<CountSeries> {
    const [events, totals] = await Promise.all([
      this.series(query.events, scope, range),
      this.series(query.total, scope, range),
    ]);
    const eventsAt = new Map(events.timestamps.map((t, i) => [t, events.values[i]]));
    const points = totals.timestamps
      .map((t, i) => ({ t, n: Math.round(totals.values[i]), x: Math.round(eventsAt.get(t) ?? 0) }))
      .filter((p) => Number.isFinite(p.n) && p.n > 0);
    return {
      // increase() extrapolates, so a step's events can exceed its rounded requests by a fraction: cap them
      events: {
        timestamps: points.map((p) => p.t),
        values: points.map((p) => Math.min(Number.isFinite(p.x) ? Math.max(p.x, 0) : 0, p.n)),
      },
      totals: { timestamps: points.map((p) => p.t), values: points.map((p) => p.n) },
    };
  }

  /**
   * One version's requests per bucket and sum per step. The bucket series are cumulative (`le`; increase()
   * extrapolates, so not whole), `le="+Inf"` is all requests. Steps without requests, or without a sum, are dropped.
   */
  private async histogram(
    query: PrometheusHistogramQuery,
    scope: Scope,
    range: { start: number; end: number },
  ): Promise<HistogramSeries> {
    const [buckets, sums] = await Promise.all([
      this.matrix(query.buckets, scope, range),
      this.series(query.sum, scope, range),
    ]);
    const byBound = new Map<number, Map<number, number>>();
    for (const series of buckets.result) {
      const le = series.metric.le;
      const bound = le === '+Inf' ? Infinity : Number(le);
      if (le === undefined || Number.isNaN(bound)) {
        throw new Error(
          `the buckets query for the ${scope.role} returned a series without a numeric le label ` +
            `(${JSON.stringify(series.metric)}); aggregate by le, e.g. sum by (le) (...): ${buckets.query}`,
        );
      }
      const points = byBound.get(bound) ?? new Map<number, number>();
      for (const [t, v] of series.values) points.set(Math.round(t * 1000), parseSampleValue(v));
      byBound.set(bound, points);
    }
    if (byBound.size === 0) return { timestamps: [], bounds: [], counts: [], sums: [] };
    const top = byBound.get(Infinity);
    if (!top) throw new Error(`the buckets query for the ${scope.role} has no le="+Inf" series: ${buckets.query}`);
    const bounds = [...byBound.keys()].filter((b) => b !== Infinity).sort((a, b) => a - b);
    const sumAt = new Map(sums.timestamps.map((t, i) => [t, sums.values[i]]));
    const periods = [...top.keys()]
      .sort((a, b) => a - b)
      .flatMap((t) => {
        const n = Math.round(top.get(t) as number);
        const sum = sumAt.get(t);
        if (!(n > 0) || sum === undefined || !Number.isFinite(sum)) return [];
        const counts = bucketsFromCumulative(
          n,
          bounds.map((bound) => byBound.get(bound)?.get(t) ?? 0),
        );
        return [{ t, counts, sum }];
      });
    return {
      timestamps: periods.map((p) => p.t),
      bounds,
      counts: periods.map((p) => p.counts),
      sums: periods.map((p) => p.sum),
    };
  }

  /** One PromQL template for one version: every series of its matrix. */
  private async matrix(
    template: string,
    scope: Scope,
    range: { start: number; end: number },
  ): Promise<{ query: string; result: RangeSeries[] }> {
    const selector = scope.selector ?? scopeSelector(this.options.scopeSelector, scope);
    const query = renderQuery(template, selector, this.options.stepSeconds);
    const body = new URLSearchParams({
      query,
      start: String(range.start),
      end: String(range.end),
      step: `${this.options.stepSeconds}s`,
    }).toString();
    const response = await withRetry(() => this.post(body), this.options.retry);
    if (response.data?.resultType !== 'matrix') {
      throw new Error(`expected a matrix from query_range, got ${response.data?.resultType} for ${query}`);
    }
    return { query, result: response.data.result ?? [] };
  }

  /** One PromQL template for one version, as one series. */
  private async series(template: string, scope: Scope, range: { start: number; end: number }): Promise<Series> {
    const { query, result } = await this.matrix(template, scope, range);
    if (result.length > 1) {
      const labels = result.slice(0, 3).map((r) => JSON.stringify(r.metric));
      throw new Error(
        `the query for the ${scope.role} returned ${result.length} series (${labels.join(', ')}); ` +
          `aggregate them into one (e.g. sum(...) or avg(...)): ${query}`,
      );
    }
    if (result.length === 0) return emptySeries();
    return toSeries(result[0].values.map(([t, v]) => [Math.round(t * 1000), parseSampleValue(v)]));
  }

  private async post(body: string): Promise<QueryRangeResponse> {
    const headers = await this.headers(body);
    let res: Response;
    try {
      res = await fetch(this.endpoint, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      // Checked by shape, not instanceof: fetch's errors may come from another realm (e.g. under jest).
      const cause = (error as { cause?: { message?: unknown } }).cause;
      if ((error as Error).name === 'TypeError' && typeof cause?.message === 'string') {
        // Keep the socket error's code for the retry decision, say plainly what happened.
        throw new Error(`unreachable (${cause.message})`, { cause });
      }
      throw error;
    }
    const text = await res.text();
    let parsed: QueryRangeResponse | undefined;
    try {
      parsed = JSON.parse(text) as QueryRangeResponse;
    } catch {
      parsed = undefined;
    }
    if (!res.ok || parsed?.status !== 'success') {
      const why = parsed?.error ? `${parsed.errorType ?? 'error'}: ${parsed.error}` : text.slice(0, 200);
      throw new HttpStatusError(res.status, `HTTP ${res.status}: ${why}`);
    }
    return parsed;
  }

  private async headers(body: string): Promise<Record<string, string>> {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (!this.signer) return headers;
    const url = this.endpoint;
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: {},
      headers: { ...headers, host: url.host },
      body,
    });
    // fetch sets Host itself (to the same value that was signed).
    const { host: _host, ...rest } = signed.headers;
    return rest;
  }
}

function countsResult(counts: { baseline: CountSeries; canary: CountSeries }): Omit<MetricSeries, 'name'> {
  return { baseline: rateSeries(counts.baseline), canary: rateSeries(counts.canary), counts };
}

/**
 * `histogram_quantile` answers +Inf when the quantile lies beyond the highest finite bucket: the value is larger than
 * anything the histogram can tell apart, not missing. Such points become the largest finite value seen on either
 * side (a lower bound of the truth, ranked at the top), so a canary whose p99 is often past the top bucket reads as
 * higher instead of losing those points to the NaN strategy. Without any finite point they stay +Inf (missing).
 */
export function withInfinityAsLargest(series: { baseline: Series; canary: Series }): {
  baseline: Series;
  canary: Series;
} {
  let largest = -Infinity;
  for (const v of [...series.baseline.values, ...series.canary.values])
    if (Number.isFinite(v) && v > largest) largest = v;
  if (largest === -Infinity) return series;
  const replace = (s: Series): Series => ({
    timestamps: s.timestamps,
    values: s.values.map((v) => (v === Infinity ? largest : v)),
  });
  return { baseline: replace(series.baseline), canary: replace(series.canary) };
}
