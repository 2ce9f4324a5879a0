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
      effectSize: { measure: 'meanRatio', allowedIncrease: 1.2 },
    });
    expect(p99.query).toBeUndefined();
  });

  it('give every preset metric a minimum of 5 points per side; the config may change it; no preset: none', () => {
    expect(Object.values(METRIC_PRESETS).map((p) => p.analysis.minDataPoints)).toEqual(Array(8).fill(5));
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
      effectSize: { measure: 'meanRatio', allowedIncrease: 1.2, criticalIncrease: 3 },
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
      /metrics\[1\]\.preset: unknown preset "latency-p95"; known presets: latency-p50, latency-p90, latency-p99, latency-average, error-rate-5xx, error-rate-4xx, request-count, cpu-utilization/,
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
        type: 'cloudwatch-ratio',
        numerator: { metricName: 'HTTPCode_Target_5XX_Count', stat: 'Sum' },
        denominator: { metricName: 'RequestCount', stat: 'Sum' },
      },
    });
  });
});

describe('the preset table', () => {
  it.each(Object.entries(METRIC_PRESETS))('%s has valid queries and a direction', (_, preset) => {
    expect(metricQuerySchema.parse(preset.cloudwatch)).toEqual(preset.cloudwatch);
    expect(metricQuerySchema.parse(preset.prometheus)).toEqual(preset.prometheus);
    expect(preset.groups.length).toBeGreaterThan(0);
    expect(preset.analysis.direction).toBeDefined();
  });
});
