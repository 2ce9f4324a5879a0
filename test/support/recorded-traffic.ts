/**
 * Known traffic of a service's versions, minute by minute, as Prometheus would have scraped it from the sample
 * service's metrics (`http_requests_total{code}`, the `http_request_duration_seconds` histogram) every 15 s: written
 * as OpenMetrics for `promtool tsdb create-blocks-from openmetrics`, so an analysis of a past window reads series
 * whose every number the test knows.
 *
 * Minute m (from t0; negative before it) has 4·(25 + m mod 7) requests of one latency each, spread evenly over its
 * four scrapes, so `increase(…[60s])` at a minute's end is exactly that minute's count whether the range includes
 * its left end (Prometheus 2.x) or extrapolates from three intervals to four (3.x).
 */

export const SCRAPE_SECONDS = 15;
const QUARTERS = 60 / SCRAPE_SECONDS;

const mod = (m: number, n: number) => ((m % n) + n) % n;

export interface RecordedVersion {
  /** Label set of the series, e.g. { job: 'shop', version: 'v1' }. */
  labels: Record<string, string>;
  /** 5xx answers per scrape in minute m (the rest are 200). */
  errorsPerScrape: (m: number) => number;
  /** The latency, in seconds, of every request of minute m. */
  latency: (m: number) => number;
}

export const requestsPerScrape = (m: number) => 25 + mod(m, 7);

const baselineLatency = (m: number) => 0.1 + 0.002 * mod(m, 5);

export const RECORDED = {
  /** The baseline: about 5 % 5xx. */
  v1: { labels: { job: 'shop', version: 'v1' }, errorsPerScrape: (m) => 1 + mod(m, 2), latency: baselineLatency },
  /** A bad canary: about 20 % 5xx, 60 % slower. */
  v2: {
    labels: { job: 'shop', version: 'v2' },
    errorsPerScrape: (m) => 5 + mod(m, 2),
    latency: (m) => 1.6 * baselineLatency(m),
  },
  /** A canary like the baseline: the same errors, the same latencies two minutes apart. */
  v3: {
    labels: { job: 'shop', version: 'v3' },
    errorsPerScrape: (m) => 1 + mod(m, 2),
    latency: (m) => baselineLatency(m + 2),
  },
  /** Another job's v2, all errors and slow: must not leak into a `{job="shop"}` selector. */
  other: { labels: { job: 'other', version: 'v2' }, errorsPerScrape: requestsPerScrape, latency: () => 3 },
} satisfies Record<string, RecordedVersion>;

/** What version v served in minute m: requests, 5xx and the latency of each. */
export function minuteOf(v: RecordedVersion, m: number): { requests: number; errors: number; latency: number } {
  return { requests: QUARTERS * requestsPerScrape(m), errors: QUARTERS * v.errorsPerScrape(m), latency: v.latency(m) };
}

/** Sums of minutes first..last (inclusive) of a version. */
export function totals(v: RecordedVersion, first: number, last: number): { requests: number; errors: number } {
  let requests = 0;
  let errors = 0;
  for (let m = first; m <= last; m++) {
    requests += minuteOf(v, m).requests;
    errors += minuteOf(v, m).errors;
  }
  return { requests, errors };
}

const LATENCY_BUCKETS = ['0.25', '+Inf'];

const labelText = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');

/**
 * The scrapes of every version from minute `firstMinute` to minute `lastMinute`'s end, one every 15 s, as OpenMetrics
 * (timestamps in seconds). The counters start at 0 at the first scrape.
 */
export function recordedOpenMetrics(t0: number, firstMinute: number, lastMinute: number): string {
  const scrapes = (lastMinute - firstMinute + 1) * QUARTERS + 1;
  const at = (k: number) => (t0 + firstMinute * 60_000 + k * SCRAPE_SECONDS * 1000) / 1000;
  const requests: string[] = ['# TYPE http_requests counter'];
  const durations: string[] = ['# TYPE http_request_duration_seconds histogram'];
  for (const v of Object.values(RECORDED) as RecordedVersion[]) {
    const labels = labelText(v.labels);
    const ok: string[] = [];
    const failed: string[] = [];
    let [count200, count500, count, sum] = [0, 0, 0, 0];
    const below = new Map(LATENCY_BUCKETS.map((le) => [le, 0]));
    for (let k = 0; k < scrapes; k++) {
      ok.push(`http_requests_total{${labels},code="200"} ${count200} ${at(k)}`);
      failed.push(`http_requests_total{${labels},code="500"} ${count500} ${at(k)}`);
      for (const le of LATENCY_BUCKETS) {
        durations.push(`http_request_duration_seconds_bucket{${labels},le="${le}"} ${below.get(le)} ${at(k)}`);
      }
      durations.push(`http_request_duration_seconds_count{${labels}} ${count} ${at(k)}`);
      durations.push(`http_request_duration_seconds_sum{${labels}} ${sum} ${at(k)}`);
      // what the next scrape adds: one quarter of minute m
      const m = firstMinute + Math.floor(k / QUARTERS);
      const n = requestsPerScrape(m);
      const errors = v.errorsPerScrape(m);
      const latency = v.latency(m);
      count200 += n - errors;
      count500 += errors;
      count += n;
      sum += n * latency;
      for (const le of LATENCY_BUCKETS) if (le === '+Inf' || latency <= Number(le)) below.set(le, below.get(le)! + n);
    }
    requests.push(...ok, ...failed);
  }
  return [...requests, ...durations, '# EOF', ''].join('\n');
}
