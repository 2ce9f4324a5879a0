import { METRIC_PRESETS, resolveMetric, resolveMetricQuery } from '../../../shared/config/metric-presets';
import { runInputSchema } from '../../../shared/config/run-config';
import { parseOrThrow, ValidationError } from '../../../shared/config/validation';
import { canaryConfigSchema } from '../../../shared/judge/canary-config';
import { metricQuerySchema } from '../../../shared/metrics/metric-query';

const parse = (metrics: unknown[]) => parseOrThrow(canaryConfigSchema, { metrics }, 'canary config');

describe('metric presets in the canary config', () => {
  it("fill a preset's groups and analysis settings, the schema's defaults the rest", () => {
    const [p99] = parse([{ name: 'p99', preset: 'latency-p99' }]).metrics;
    expect(p99.groups).toEqual(['latency']);
    expect(p99.analysisConfigurations.canary).toEqual({
      direction: 'increase',
      nanStrategy: 'remove',
      critical: false,
      mustHaveData: false,
      muted: false,
      minDataPoints: 5,
      effectSize: { measure: 'meanRatio', allowedIncrease: 1.2, rollbackIncrease: 2 },
    });
    expect(p99.unit).toBe('seconds');
    expect(p99.query).toBeUndefined();
  });

  it('give every preset metric a minimum of 5 points per side (latency-histogram: 3 periods with requests); the config may change it; no preset: none', () => {
    expect(Object.entries(METRIC_PRESETS).map(([name, p]) => [name, p.analysis.minDataPoints])).toEqual(
      Object.keys(METRIC_PRESETS).map((name) => [name, name === 'latency-histogram' ? 3 : 5]),
    );
    const [preset, lowered, own] = parse([
      { name: 'a', preset: 'error-rate-5xx' },
      { name: 'b', preset: 'error-rate-5xx', analysisConfigurations: { canary: { minDataPoints: 1 } } },
      { name: 'c', groups: ['g'] },
    ]).metrics;
    expect(preset.analysisConfigurations.canary.minDataPoints).toBe(5);
    expect(lowered.analysisConfigurations.canary.minDataPoints).toBe(1);
    // Kayenta's behaviour for metrics without a preset (the judge treats absent as 1)
    expect(own.analysisConfigurations.canary.minDataPoints).toBeUndefined();
  });

  it('let the config win field by field, also inside effectSize', () => {
    const [errors] = parse([
      {
        name: 'errors',
        preset: 'error-rate-5xx',
        groups: ['slo'],
        analysisConfigurations: { canary: { critical: false, effectSize: { criticalIncrease: 3 } } },
      },
    ]).metrics;
    expect(errors.groups).toEqual(['slo']);
    expect(errors.analysisConfigurations.canary).toMatchObject({
      direction: 'increase',
      critical: false,
      effectSize: { measure: 'meanRatio', allowedIncrease: 1.1, criticalIncrease: 3 },
    });
  });

  it('parse the same again (the judge re-parses a parsed config)', () => {
    const once = parse([
      { name: 'cpu', preset: 'cpu-utilization', analysisConfigurations: { canary: { direction: 'either' } } },
    ]);
    expect(parseOrThrow(canaryConfigSchema, once, 'canary config')).toEqual(once);
  });

  it('name an unknown preset by its path, listing the known ones', () => {
    expect(() =>
      parse([
        { name: 'a', preset: 'latency-p99' },
        { name: 'b', preset: 'latency-p95' },
      ]),
    ).toThrow(
      /metrics\[1\]\.preset: unknown preset "latency-p95"; known presets: latency-p50, latency-p90, latency-p99, latency-average, latency-histogram, latency-slow-share, error-rate-5xx, error-rate-4xx, request-count, cpu-utilization/,
    );
    const error = (() => {
      try {
        parseOrThrow(
          runInputSchema,
          {
            service: 'web',
            baseline: { version: 'v1', local: { command: ['node'] } },
            canary: { version: 'v2', local: { command: ['node'] } },
            target: 'local',
            traffic: { listenerArn: 'l', productionTargetGroupArn: 't' },
            steps: [{ weight: 5, durationSeconds: 60 }],
            metricsSource: { type: 'local' },
            canaryConfig: { metrics: [{ name: 'x', preset: 'nope' }] },
          },
          'run input',
        );
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error?.issues.map((i) => i.path)).toEqual(['canaryConfig.metrics[0].preset']);
  });
});

describe('resolveMetricQuery', () => {
  const [p99, own, none] = parse([
    { name: 'p99', preset: 'latency-p99' },
    {
      name: 'own',
      preset: 'latency-p99',
      groups: ['x'],
      query: { type: 'prometheus', query: 'max(my_latency{${scope}})' },
    },
    { name: 'none', groups: ['x'] },
  ]).metrics;

  it("gives the preset's query for the source; the local source reads CloudWatch-shaped queries", () => {
    expect(resolveMetricQuery(p99, 'cloudwatch')).toEqual({
      type: 'cloudwatch',
      namespace: 'AWS/ApplicationELB',
      metricName: 'TargetResponseTime',
      stat: 'p99',
      dimensions: {},
      scopeDimension: 'TargetGroup',
    });
    expect(resolveMetricQuery(p99, 'local')).toEqual(resolveMetricQuery(p99, 'cloudwatch'));
    expect(resolveMetricQuery(p99, 'prometheus')).toEqual({
      type: 'prometheus',
      query: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${scope}}[${step}])))',
    });
  });

  it("prefers the metric's own query", () => {
    expect(resolveMetricQuery(own, 'cloudwatch')).toEqual({ type: 'prometheus', query: 'max(my_latency{${scope}})' });
  });

  it('names a metric that has neither preset nor query', () => {
    expect(() => resolveMetricQuery(none, 'cloudwatch', 2)).toThrow(
      'invalid canary config: metrics[2]: metric "none" cannot be read: it has neither a preset nor a query; give "preset" or a cloudwatch/prometheus "query"',
    );
    const [kayenta] = parse([{ name: 'k', groups: ['x'], query: { type: 'atlas', q: 'name,latency,:eq' } }]).metrics;
    expect(() => resolveMetricQuery(kayenta, 'cloudwatch')).toThrow(
      'metrics[name=k]: metric "k" cannot be read: its query is a Kayenta "atlas" query, which canary-judge cannot fetch',
    );
    expect(() => resolveMetricQuery({ name: 'z', preset: 'nope' }, 'cloudwatch', 4)).toThrow(
      'metrics[4].preset: unknown preset "nope"',
    );
  });
});

describe('resolveMetric', () => {
  it('merges a raw metric with its preset (config wins) and resolves the query', () => {
    const resolved = resolveMetric(
      { name: '5xx', preset: 'error-rate-5xx', analysisConfigurations: { canary: { mustHaveData: true } } },
      'cloudwatch',
    );
    expect(resolved).toMatchObject({
      groups: ['errors'],
      analysisConfigurations: { canary: { critical: true, mustHaveData: true, direction: 'increase' } },
      query: {
        type: 'cloudwatch-counts',
        events: [
          { metricName: 'HTTPCode_Target_5XX_Count', stat: 'Sum' },
          { metricName: 'TargetConnectionErrorCount', stat: 'Sum' },
        ],
        total: { metricName: 'RequestCount', stat: 'Sum' },
      },
    });
  });
});

describe('count presets', () => {
  it('judge 5xx from the counts: Prometheus increase() of the counters, events and total per version', () => {
    expect(resolveMetricQuery({ name: 'e', preset: 'error-rate-5xx' }, 'prometheus')).toEqual({
      type: 'prometheus-counts',
      events: 'sum(increase(http_requests_total{${scope},code=~"5.."}[${step}])) or vector(0)',
      total: 'sum(increase(http_requests_total{${scope}}[${step}]))',
    });
  });

  it("latency-slow-share counts requests above 0.5 s by default, or above the metric's boundSeconds", () => {
    expect(resolveMetricQuery({ name: 's', preset: 'latency-slow-share' }, 'cloudwatch')).toMatchObject({
      type: 'cloudwatch-exceedance',
      metricName: 'TargetResponseTime',
      above: 0.5,
      statistic: 'PR',
    });
    const [slow] = parse([{ name: 's', preset: 'latency-slow-share', boundSeconds: 1 }]).metrics;
    expect(resolveMetricQuery(slow, 'local')).toMatchObject({ above: 1 });
    expect(resolveMetricQuery(slow, 'prometheus')).toEqual({
      type: 'prometheus-counts',
      events:
        'sum(increase(http_request_duration_seconds_count{${scope}}[${step}]))' +
        ' - sum(increase(http_request_duration_seconds_bucket{${scope},le="1"}[${step}]))',
      total: 'sum(increase(http_request_duration_seconds_count{${scope}}[${step}]))',
    });
    expect(slow.analysisConfigurations.canary.effectSize).toEqual({
      measure: 'meanRatio',
      allowedIncrease: 1.5,
      rollbackIncrease: 3,
    });
  });

  it('boundSeconds only with a preset that takes one; a count metric cannot use CLES', () => {
    expect(() => parse([{ name: 'p', preset: 'latency-p99', boundSeconds: 1 }])).toThrow(
      'invalid canary config: metrics[0].boundSeconds: only presets that count requests above a bound take boundSeconds (latency-slow-share)',
    );
    expect(() =>
      parse([
        {
          name: 'e',
          groups: ['errors'],
          query: {
            type: 'cloudwatch-counts',
            events: [{ type: 'cloudwatch', namespace: 'N', metricName: 'E', stat: 'Sum' }],
            total: { type: 'cloudwatch', namespace: 'N', metricName: 'T', stat: 'Sum' },
          },
          analysisConfigurations: { canary: { effectSize: { measure: 'cles' } } },
        },
      ]),
    ).toThrow(
      'metrics[0].analysisConfigurations.canary.effectSize.measure: a count metric is judged on its rate ratio',
    );
  });

  it('a counts query needs counting statistics', () => {
    expect(
      metricQuerySchema
        .safeParse({
          type: 'cloudwatch-counts',
          events: [{ type: 'cloudwatch', namespace: 'N', metricName: 'E', stat: 'Average' }],
          total: { type: 'cloudwatch', namespace: 'N', metricName: 'T', stat: 'Sum' },
        })
        .error?.issues.map((i) => [i.path.join('.'), i.message]),
    ).toEqual([['events.0.stat', 'a count needs a counting statistic: Sum, SampleCount or TC(lo:hi)']]);
  });
});

describe('the preset table', () => {
  it.each(Object.keys(METRIC_PRESETS))('%s has valid queries and a direction', (name) => {
    const preset = METRIC_PRESETS[name];
    for (const source of ['cloudwatch', 'prometheus'] as const) {
      const query = resolveMetricQuery({ name, preset: name }, source);
      expect(metricQuerySchema.parse(query)).toEqual(query);
    }
    expect(preset.groups.length).toBeGreaterThan(0);
    expect(preset.analysis.direction).toBeDefined();
  });
});
