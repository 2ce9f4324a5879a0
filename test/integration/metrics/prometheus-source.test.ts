import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { Gauge } from 'prom-client';
import { resolveMetricQuery } from '../../../shared/config/metric-presets';
import type { MetricRequest, MetricSeries, Scope } from '../../../shared/metrics/metric-source';
import { PrometheusSource } from '../../../shared/metrics/prometheus-source';
import { createServiceMetrics, LATENCY_BUCKETS_SECONDS } from '../../../local/sample-service/metrics';
import { freePort } from '../../../shared/net/free-port';
import { startPrometheus, waitUntil, type PrometheusServer } from '../../support/prometheus';

jest.setTimeout(60_000);

/**
 * Against a real Prometheus scraping two prom-client endpoints (the sample service's metrics) every second.
 * Each scrape adds a fixed batch of requests, so ratios and quantiles are exact whatever the scrape timing.
 */

const STEP = 3;
const VERSIONS = {
  baseline: { version: 'v1', level: 5, perScrape: 50, errorsPerScrape: 1, latency: 0.02 },
  canary: { version: 'v2', level: 7, perScrape: 50, errorsPerScrape: 5, latency: 0.12 },
};

const scope = (role: 'baseline' | 'canary'): Scope => ({
  role,
  runId: 'run-7',
  version: VERSIONS[role].version,
  targetGroupArn: `local:${role}`,
  instanceIds: [],
});

/**
 * Count metrics of another run on the same Prometheus, per scrape: the baseline answers 40 requests (2 with 500),
 * the canary 40 (4 with 500, 8 taking 2 s, past the histogram's top bucket of 1 s) until `canaryStopsAt`, then
 * none (its traffic gone), while its counters stay.
 */
const COUNTS = {
  baseline: { version: 'v1', perScrape: 40, errorsPerScrape: 2, slowPerScrape: 0 },
  canary: { version: 'v2', perScrape: 40, errorsPerScrape: 4, slowPerScrape: 8 },
};
let canaryStopsAt = Infinity;

let servers: Server[] = [];
let prometheus: PrometheusServer;
let window: { start: Date; end: Date };

function serve(
  handler: (req: IncomingMessage, body: string) => Promise<{ status: number; body: string }>,
): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      void handler(req, body).then((out) => {
        res.writeHead(out.status, { 'content-type': 'application/json' });
        res.end(out.body);
      });
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function versionEndpoint(role: 'baseline' | 'canary'): Promise<Server> {
  const v = VERSIONS[role];
  const metrics = createServiceMetrics({ role, version: v.version, run_id: 'run-7' });
  new Gauge({ name: 'canary_test_level', help: 'a constant per version', registers: [metrics.registry] }).set(v.level);
  // Noise from another run on the same Prometheus: must not leak into this run's series.
  const other = createServiceMetrics({ role, version: v.version, run_id: 'run-other' });
  new Gauge({ name: 'canary_test_level', help: 'a constant per version', registers: [other.registry] }).set(1000);
  return serve(async () => {
    for (let i = 0; i < v.perScrape; i++) {
      metrics.observe('/work', i < v.errorsPerScrape ? 500 : 200, v.latency);
    }
    return {
      status: 200,
      body: (await metrics.registry.metrics()) + (await other.registry.metrics()).replace(/^# .*\n/gm, ''),
    };
  });
}

async function countsEndpoint(role: 'baseline' | 'canary'): Promise<Server> {
  const v = COUNTS[role];
  const metrics = createServiceMetrics({ role, version: v.version, run_id: 'run-counts' });
  // 1 on the canary, 0 on the baseline: lets a query ask the canary for a quantile beyond 1 (see the +Inf test).
  new Gauge({ name: 'canary_test_flag', help: '1 on the canary', registers: [metrics.registry] }).set(
    role === 'canary' ? 1 : 0,
  );
  return serve(async () => {
    if (Date.now() < (role === 'canary' ? canaryStopsAt : Infinity)) {
      for (let i = 0; i < v.perScrape; i++) {
        const error = i < v.errorsPerScrape;
        const slow = !error && i < v.errorsPerScrape + v.slowPerScrape;
        metrics.observe('/', error ? 500 : 200, slow ? 2 : 0.02);
      }
    }
    return { status: 200, body: await metrics.registry.metrics() };
  });
}

function listen(server: Server): string {
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function request(metrics: MetricRequest['metrics'], w = window): MetricRequest {
  return { metrics, scopes: { baseline: scope('baseline'), canary: scope('canary') }, window: w };
}

const samples = async (selector: string) => {
  const r = await prometheus.query(`count_over_time(canary_test_level{${selector}}[1m])`);
  return r.length > 0 ? Number(r[0].value[1]) : 0;
};

beforeAll(async () => {
  servers = [
    await versionEndpoint('baseline'),
    await versionEndpoint('canary'),
    await countsEndpoint('baseline'),
    await countsEndpoint('canary'),
  ];
  prometheus = await startPrometheus({ targets: servers.map(listen), scrapeIntervalSeconds: 1 });
  // Skip the first scrapes (a rate over a range holding fewer than two of them is half a rate), then
  // collect about twelve seconds of data; the counts' canary stops getting requests halfway.
  await waitUntil(async () => (await samples('run_id="run-7",role="canary"')) >= 3, 20_000, 'three scrapes');
  const start = new Date();
  // Halfway between two of the counts test's 2-second steps, so no scrape near a step's end decides its count.
  canaryStopsAt = Math.ceil((start.getTime() + 5_000) / 2_000) * 2_000 + 1_000;
  await waitUntil(async () => Date.now() - start.getTime() >= 12_500, 25_000, 'twelve seconds of data');
  window = { start, end: new Date() };
});

afterAll(async () => {
  await prometheus?.stop();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

describe('PrometheusSource against a real Prometheus', () => {
  it('fills the scope selector per version and returns step-aligned points inside the window', async () => {
    const source = new PrometheusSource({
      url: prometheus.url,
      stepSeconds: STEP,
      scopeSelector: 'role="${role}",run_id="${runId}",version="${version}"',
    });
    const [level] = await source.fetch(
      request([{ name: 'level', query: { type: 'prometheus', query: 'max(canary_test_level{${scope}})' } }]),
    );
    expect(level.error).toBeUndefined();
    const first = Math.ceil(window.start.getTime() / (STEP * 1000)) * STEP * 1000 + STEP * 1000;
    const last = Math.floor(window.end.getTime() / (STEP * 1000)) * STEP * 1000;
    const expected = Array.from({ length: (last - first) / (STEP * 1000) + 1 }, (_, i) => first + i * STEP * 1000);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(level.baseline).toEqual({ timestamps: expected, values: expected.map(() => 5) });
    expect(level.canary).toEqual({ timestamps: expected, values: expected.map(() => 7) });
  });

  it("answers the presets' Prometheus queries with the numbers the services produced", async () => {
    const source = new PrometheusSource({
      url: `${prometheus.url}/`,
      stepSeconds: STEP,
      scopeSelector: 'role="${role}",run_id="${runId}"',
    });
    const presets = [
      'latency-p50',
      'latency-p99',
      'latency-average',
      'latency-histogram',
      'error-rate-5xx',
      'error-rate-4xx',
      'request-count',
    ];
    const series = await source.fetch(
      request(
        presets.map((preset) => ({ name: preset, query: resolveMetricQuery({ name: preset, preset }, 'prometheus') })),
      ),
    );
    const by = Object.fromEntries(series.map((s) => [s.name, s]));
    for (const s of series) {
      expect(s.error).toBeUndefined();
      expect(s.baseline.values.length).toBeGreaterThanOrEqual(2);
      expect(s.canary.values.length).toBe(s.baseline.values.length);
    }
    const all = (values: number[], expected: number) => values.forEach((v) => expect(v).toBeCloseTo(expected, 9));
    // All baseline observations are 0.02 s: the bucket (0.015, 0.02]; the canary's 0.12 s: (0.1, 0.15].
    all(by['latency-p50'].baseline.values, 0.015 + 0.005 * 0.5);
    all(by['latency-p50'].canary.values, 0.1 + 0.05 * 0.5);
    all(by['latency-p99'].baseline.values, 0.015 + 0.005 * 0.99);
    all(by['latency-p99'].canary.values, 0.1 + 0.05 * 0.99);
    all(by['latency-average'].baseline.values, 0.02);
    all(by['latency-average'].canary.values, 0.12);
    // The error preset is a count metric: increase() extrapolates each counter, and the source rounds both to whole
    // events of whole requests per step, so a step's ratio is 1/50 (5/50) to within that rounding.
    const counts = by['error-rate-5xx'].counts!;
    for (const [role, share] of [
      ['baseline', 1 / 50],
      ['canary', 5 / 50],
    ] as const) {
      const { events, totals } = counts[role];
      expect(events.values.length).toBeGreaterThanOrEqual(2);
      events.values.forEach((x, i) => {
        const n = totals.values[i];
        expect(Number.isInteger(x) && Number.isInteger(n)).toBe(true);
        expect(Math.abs(x / n - share)).toBeLessThanOrEqual((0.5 + 0.5 * share) / n);
      });
    }
    // The histogram preset: every request of a step in its bucket, whole counts, the mean from _sum over the rounded
    // request count (increase() extrapolates sum and count alike, so the mean is off by the rounding alone)
    const histogram = by['latency-histogram'].histogram!;
    for (const [role, latency] of [
      ['baseline', 0.02],
      ['canary', 0.12],
    ] as const) {
      const h = histogram[role];
      expect(h.bounds).toEqual(LATENCY_BUCKETS_SECONDS);
      expect(h.timestamps).toEqual(by['latency-histogram'][role].timestamps);
      const bucket = LATENCY_BUCKETS_SECONDS.findIndex((b) => b >= latency);
      h.counts.forEach((period, i) => {
        const n = period.reduce((a, b) => a + b, 0);
        expect(period.every(Number.isInteger)).toBe(true);
        expect(period[bucket]).toBe(n);
        expect(Math.abs(h.sums[i] / n - latency)).toBeLessThanOrEqual((latency * 0.5) / n + 1e-12);
      });
    }
    // No 4xx counter exists at all: `or vector(0)` makes that a rate of 0, not a gap.
    all(by['error-rate-4xx'].baseline.values, 0);
    // 50 requests a scrape, a scrape a second: about 150 per 3 s step (increase() extrapolates to the range).
    for (const v of [...by['request-count'].baseline.values, ...by['request-count'].canary.values]) {
      expect(v).toBeGreaterThan(150 * 0.8);
      expect(v).toBeLessThan(150 * 1.2);
    }
  });

  it("reports a bad query as the metric's error without retrying it, and keeps the other metrics", async () => {
    let tries = 0;
    const source = new PrometheusSource({
      url: prometheus.url,
      stepSeconds: STEP,
      scopeSelector: 'role="${role}",run_id="${runId}"',
      retry: { sleep: async () => void tries++ },
    });
    const [bad, many, cw, good] = await source.fetch(
      request([
        { name: 'bad', query: { type: 'prometheus', query: 'sum(rate(http_requests_total{${scope}}[${step}])' } },
        { name: 'many', query: { type: 'prometheus', query: 'sum by (code) (http_requests_total{${scope}})' } },
        {
          name: 'cw',
          query: {
            type: 'cloudwatch',
            namespace: 'X',
            metricName: 'Y',
            stat: 'Sum',
            dimensions: {},
            scopeDimension: 'TargetGroup',
          },
        },
        { name: 'good', query: { type: 'prometheus', query: 'max(canary_test_level{${scope}})' } },
      ]),
    );
    expect(tries).toBe(0);
    expect(bad.error).toMatch(new RegExp(`^prometheus ${prometheus.url}: HTTP 400: bad_data: .*\\(1 attempt\\)$`));
    expect(many.error).toMatch(
      /the query for the baseline returned 2 series \(\{"code":"200"\}, \{"code":"500"\}\); aggregate them into one/,
    );
    expect(cw.error).toBe(
      'a cloudwatch query cannot be answered by Prometheus (use a prometheus, prometheus-counts or prometheus-histogram query)',
    );
    expect(good.error).toBeUndefined();
    expect(good.canary.values.every((v) => v === 7)).toBe(true);
  });

  it('names the URL of an unreachable Prometheus after a bounded number of tries', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const delays: number[] = [];
    const source = new PrometheusSource({
      url,
      stepSeconds: STEP,
      scopeSelector: 'role="${role}"',
      retry: { attempts: 3, baseDelayMs: 10, sleep: async (ms) => void delays.push(ms) },
    });
    const [m] = await source.fetch(request([{ name: 'm', query: { type: 'prometheus', query: 'up{${scope}}' } }]));
    expect(m.error).toBe(`prometheus ${url}: unreachable (connect ECONNREFUSED 127.0.0.1:${port}) (3 attempts)`);
    // Two waits for each version's query (they run side by side).
    expect(delays).toHaveLength(4);
    expect(m.baseline).toEqual({ timestamps: [], values: [] });
  });
});

describe('PrometheusSource count metrics and +Inf against a real Prometheus', () => {
  const COUNT_STEP = 2;
  const countsSource = () =>
    new PrometheusSource({
      url: prometheus.url,
      stepSeconds: COUNT_STEP,
      scopeSelector: 'role="${role}",run_id="${runId}"',
    });
  const countsRequest = (metrics: MetricRequest['metrics']): MetricRequest => ({
    metrics,
    scopes: {
      baseline: { ...scope('baseline'), runId: 'run-counts' },
      canary: { ...scope('canary'), runId: 'run-counts' },
    },
    window,
  });

  it('reads prometheus-counts as whole events and requests per step, dropping steps without requests', async () => {
    // The slow-request count needs a bucket bound at 0.5 s in the sample service's histogram.
    expect(LATENCY_BUCKETS_SECONDS).toContain(0.5);
    const [errors, slow] = await countsSource().fetch(
      countsRequest([
        {
          name: 'errors',
          query: {
            type: 'prometheus-counts',
            events: 'sum(increase(http_requests_total{${scope},code=~"5.."}[${step}])) or vector(0)',
            total: 'sum(increase(http_requests_total{${scope}}[${step}]))',
          },
        },
        {
          name: 'slow',
          query: {
            type: 'prometheus-counts',
            events:
              'sum(increase(http_request_duration_seconds_count{${scope}}[${step}]))' +
              ' - sum(increase(http_request_duration_seconds_bucket{${scope},le="0.5"}[${step}]))',
            total: 'sum(increase(http_request_duration_seconds_count{${scope}}[${step}]))',
          },
        },
      ]),
    );
    expect([errors.error, slow.error]).toEqual([undefined, undefined]);
    const step = COUNT_STEP * 1000;
    const first = Math.ceil(window.start.getTime() / step) * step + step;
    const last = Math.floor(window.end.getTime() / step) * step;
    const steps = Array.from({ length: (last - first) / step + 1 }, (_, i) => first + i * step);
    for (const metric of [errors, slow]) {
      for (const role of ['baseline', 'canary'] as const) {
        const { events, totals } = metric.counts![role];
        expect(events.timestamps).toEqual(totals.timestamps);
        // Whole counts; never more events than requests; every step that is there had requests.
        for (const v of [...events.values, ...totals.values]) expect(Number.isInteger(v)).toBe(true);
        events.values.forEach((e, i) => expect(e).toBeLessThanOrEqual(totals.values[i]));
        expect(totals.values.every((n) => n > 0)).toBe(true);
        expect(metric[role].values).toEqual(totals.values.map((n, i) => events.values[i] / n));
      }
    }
    // The baseline has requests at every step. The canary has them at every step that ends before its requests
    // stop, none at a step that starts after (increase 0: dropped, not a period of 0 of 0).
    expect(errors.counts!.baseline.totals.timestamps).toEqual(steps);
    const canarySteps = errors.counts!.canary.totals.timestamps;
    expect(canarySteps).toEqual(steps.slice(0, canarySteps.length));
    expect(canarySteps).toEqual(expect.arrayContaining(steps.filter((t) => t <= canaryStopsAt)));
    expect(canarySteps.some((t) => t - step >= canaryStopsAt)).toBe(false);
    expect(canarySteps.length).toBeLessThan(steps.length);
    expect(slow.counts!.canary.totals.timestamps).toEqual(canarySteps);
    // Known counts: 2 scrapes of 40 requests a step. increase() extrapolates from the samples in the step's range
    // to the whole range: 80 exactly when the scrapes are on schedule, and one scrape late by 10 % of the interval
    // on this busy machine makes that step's requests 80 / 1.1 = 73 and its events as much fewer. So each step's
    // events are checked as their known share of its requests, and the requests within a quarter of 80.
    const share = (metric: MetricSeries, role: 'baseline' | 'canary', perScrape: number) => {
      const { events, totals } = metric.counts![role];
      totals.values.forEach((n, i) => {
        expect(n).toBeGreaterThanOrEqual(60);
        expect(n).toBeLessThanOrEqual(100);
        expect(Math.abs(events.values[i] - (n * perScrape) / 40)).toBeLessThanOrEqual(1);
      });
    };
    share(errors, 'baseline', COUNTS.baseline.errorsPerScrape);
    share(errors, 'canary', COUNTS.canary.errorsPerScrape);
    share(slow, 'canary', COUNTS.canary.slowPerScrape);
    expect(slow.counts!.baseline.events.values.every((v) => v === 0)).toBe(true);
  });

  it('reads prometheus-histogram with the requests past the top bucket in the bucket above it, and names a buckets query without le', async () => {
    const [latency, unlabelled] = await countsSource().fetch(
      countsRequest([
        { name: 'latency', query: resolveMetricQuery({ name: 'latency', preset: 'latency-histogram' }, 'prometheus') },
        {
          name: 'unlabelled',
          query: {
            type: 'prometheus-histogram',
            buckets: 'sum(increase(http_request_duration_seconds_bucket{${scope}}[${step}]))',
            sum: 'sum(increase(http_request_duration_seconds_sum{${scope}}[${step}]))',
          },
        },
      ]),
    );
    expect(latency.error).toBeUndefined();
    const canary = latency.histogram!.canary;
    expect(canary.counts.length).toBeGreaterThanOrEqual(2);
    // per scrape: 4 errors and 28 others at 0.02 s, 8 at 2 s, past the top bound of 1 s
    const fast = LATENCY_BUCKETS_SECONDS.indexOf(0.02);
    for (const period of canary.counts) {
      const n = period.reduce((a, b) => a + b, 0);
      expect(period[LATENCY_BUCKETS_SECONDS.length]).toBeGreaterThanOrEqual(Math.floor((n * 8) / 40) - 1);
      expect(period[LATENCY_BUCKETS_SECONDS.length]).toBeLessThanOrEqual(Math.ceil((n * 8) / 40) + 1);
      expect(period[fast] + period[LATENCY_BUCKETS_SECONDS.length]).toBe(n);
    }
    expect(unlabelled.error).toMatch(
      /the buckets query for the (baseline|canary) returned a series without a numeric le label \(\{\}\); aggregate by le/,
    );
  });

  it("answers a p99 past the histogram's top bucket with that bucket's bound, never +Inf", async () => {
    const [p99] = await countsSource().fetch(
      countsRequest([{ name: 'p99', query: resolveMetricQuery({ name: 'p99', preset: 'latency-p99' }, 'prometheus') }]),
    );
    // 20 % of the canary's requests took 2 s, beyond the top finite bucket (1 s): Prometheus answers that bound.
    const active = p99.canary.values.filter((v) => !Number.isNaN(v));
    expect(active.length).toBeGreaterThanOrEqual(2);
    expect(active.every((v) => v === 1)).toBe(true);
    p99.baseline.values.forEach((v) => expect(v).toBeCloseTo(0.015 + 0.005 * 0.99, 9));
  });

  it('keeps +Inf points from the server as the largest finite value of both versions', async () => {
    // Prometheus 2.42 answers +Inf from histogram_quantile only for a quantile above 1: provoke it on the canary
    // (its flag gauge is 1) while the baseline asks the 0.99 quantile of the same histogram.
    const query =
      'histogram_quantile(scalar(0.99 + 0.02 * max(canary_test_flag{${scope}})),' +
      ' sum by (le) (rate(http_request_duration_seconds_bucket{${scope}}[${step}])))';
    // a 1-second scrape can slip on a loaded machine: 10 s holds two samples whatever the last scrape did
    const raw = await prometheus.query(
      query.replaceAll('${scope}', 'role="canary",run_id="run-counts"').replaceAll('${step}', '10s'),
    );
    expect(raw.map((r) => r.value[1])).toEqual(['+Inf']);
    const [q] = await countsSource().fetch(countsRequest([{ name: 'q', query: { type: 'prometheus', query } }]));
    expect(q.error).toBeUndefined();
    const largest = Math.max(...q.baseline.values);
    expect(largest).toBeCloseTo(0.015 + 0.005 * 0.99, 9);
    expect(q.canary.timestamps.length).toBeGreaterThanOrEqual(2);
    expect(q.canary.values).toEqual(q.canary.timestamps.map(() => largest));
  });
});

describe('PrometheusSource with SigV4 (Amazon Managed Service for Prometheus)', () => {
  it('signs each query_range POST so that the signature verifies for the request as received', async () => {
    const received: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
    const receiver = await serve(async (req, body) => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      return {
        status: 200,
        body: JSON.stringify({
          status: 'success',
          data: { resultType: 'matrix', result: [{ metric: {}, values: [[1700000010, '0.5']] }] },
        }),
      };
    });
    const credentials = {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      sessionToken: 'session-token',
    };
    const host = listen(receiver);
    const source = new PrometheusSource({
      url: `http://${host}/workspaces/ws-123`,
      stepSeconds: 10,
      scopeSelector: 'role="${role}",run_id="${runId}"',
      sigv4: { region: 'eu-west-1' },
      credentials: async () => credentials,
    });
    const [m] = await source.fetch(
      request([{ name: 'm', query: { type: 'prometheus', query: 'avg(x{${scope}})' } }], {
        start: new Date(1_700_000_000_000),
        end: new Date(1_700_000_030_000),
      }),
    );
    receiver.close();
    expect(m).toEqual({
      name: 'm',
      baseline: { timestamps: [1_700_000_010_000], values: [0.5] },
      canary: { timestamps: [1_700_000_010_000], values: [0.5] },
    });
    expect(received).toHaveLength(2);
    const canary = received.find((r) => r.body.includes('canary'))!;
    expect(canary.method).toBe('POST');
    expect(canary.url).toBe('/workspaces/ws-123/api/v1/query_range');
    expect(Object.fromEntries(new URLSearchParams(canary.body))).toEqual({
      query: 'avg(x{role="canary",run_id="run-7"})',
      start: '1700000010',
      end: '1700000030',
      step: '10s',
    });
    const auth = canary.headers.authorization as string;
    expect(auth).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/aps\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(canary.headers['x-amz-security-token']).toBe('session-token');

    // Recompute from what arrived: the same signature means host, path, headers and body are as signed.
    const amzDate = canary.headers['x-amz-date'] as string;
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(auth)![1].split(';');
    const verifier = new SignatureV4({ service: 'aps', region: 'eu-west-1', credentials, sha256: Sha256 });
    const again = await verifier.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: Number(host.split(':')[1]),
        path: canary.url,
        query: {},
        headers: Object.fromEntries(
          signedHeaders.filter((h) => !h.startsWith('x-amz-')).map((h) => [h, canary.headers[h] as string]),
        ),
        body: canary.body,
      },
      {
        signingDate: new Date(
          `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
        ),
      },
    );
    expect(again.headers.authorization).toBe(auth);
  });
});
