import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { Gauge } from 'prom-client';
import { resolveMetricQuery } from '../../../shared/config/metric-presets';
import type { MetricRequest, Scope } from '../../../shared/metrics/metric-source';
import { PrometheusSource } from '../../../shared/metrics/prometheus-source';
import { createServiceMetrics } from '../../../local/sample-service/metrics';
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
  servers = [await versionEndpoint('baseline'), await versionEndpoint('canary')];
  prometheus = await startPrometheus({ targets: servers.map(listen), scrapeIntervalSeconds: 1 });
  // Skip the first scrapes (a rate over a range holding fewer than two of them is half a rate), then
  // collect about nine seconds of data.
  await waitUntil(async () => (await samples('run_id="run-7",role="canary"')) >= 3, 20_000, 'three scrapes');
  const start = new Date();
  await waitUntil(async () => Date.now() - start.getTime() >= 9_500, 20_000, 'nine seconds of data');
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
    all(by['error-rate-5xx'].baseline.values, 1 / 50);
    all(by['error-rate-5xx'].canary.values, 5 / 50);
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
    expect(cw.error).toBe('a cloudwatch query cannot be answered by Prometheus (use a prometheus query)');
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
