import { runInputSchema, type RunInputRaw } from '../../../shared/config/run-config';
import { parseOrThrow, ValidationError } from '../../../shared/config/validation';
import { ERROR_RATE_METRIC, localRunInput } from '../../support/run-inputs';

/**
 * A metric's query must be of the kind the run's metrics source answers: PromQL against CloudWatch (or the local
 * router), or a CloudWatch shape against Prometheus, is refused at the run input's schema, naming the metric and
 * the path, instead of failing at the first judgment after instances were launched.
 */

const PROMQL = { type: 'prometheus', query: 'histogram_quantile(0.99, rate(x_bucket{${scope}}[1m]))' } as const;
const PROM_COUNTS = {
  type: 'prometheus-counts',
  events: 'sum(increase(http_requests_total{${scope},code=~"5.."}[${step}]))',
  total: 'sum(increase(http_requests_total{${scope}}[${step}]))',
} as const;
const CW = (metricName: string, stat: string) => ({
  type: 'cloudwatch' as const,
  namespace: 'AWS/ApplicationELB',
  metricName,
  stat,
});
const CW_COUNTS = {
  type: 'cloudwatch-counts',
  events: [CW('HTTPCode_Target_5XX_Count', 'Sum')],
  total: CW('RequestCount', 'Sum'),
} as const;
const CW_RATIO = {
  type: 'cloudwatch-ratio',
  numerator: CW('HTTPCode_Target_5XX_Count', 'Sum'),
  denominator: CW('RequestCount', 'Sum'),
} as const;

const SOURCES = {
  cloudwatch: { type: 'cloudwatch' },
  local: { type: 'local', periodSeconds: 1 },
  prometheus: { type: 'prometheus', url: 'http://127.0.0.1:9090' },
} as const;

/** A preset (read from any source) first, then the metric with the query under test. */
function withQuery(source: keyof typeof SOURCES, query: unknown): RunInputRaw {
  const metric = { name: 'p99', groups: ['latency'], query } as never;
  return localRunInput({
    metricsSource: SOURCES[source],
    canaryConfig: {
      metrics: [{ name: 'latency', preset: 'latency-average' }, metric],
      classifier: { groupWeights: { latency: 100 } },
    },
  });
}

function refusal(input: RunInputRaw): ValidationError {
  try {
    parseOrThrow(runInputSchema, input, 'run input');
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('the input was accepted');
}

describe('a metric query the metrics source cannot answer', () => {
  it('PromQL with a CloudWatch source: refused, naming the metric, the path and what the source answers', () => {
    const error = refusal(withQuery('cloudwatch', PROMQL));
    expect(error.issues).toEqual([
      {
        path: 'canaryConfig.metrics[1].query.type',
        message:
          'metric "p99" has a prometheus query, which metricsSource.type "cloudwatch" cannot answer (it answers ' +
          'cloudwatch, cloudwatch-ratio, cloudwatch-counts, cloudwatch-exceedance, cloudwatch-histogram); give a query of that kind or a ' +
          'preset, or change metricsSource',
      },
    ]);
    expect(error.message).toMatch(/^invalid run input: canaryConfig\.metrics\[1\]\.query\.type: metric "p99" /);
  });

  it.each<[keyof typeof SOURCES, string, unknown]>([
    ['cloudwatch', 'prometheus-counts', PROM_COUNTS],
    ['local', 'prometheus', PROMQL],
    ['local', 'prometheus-counts', PROM_COUNTS],
    ['prometheus', 'cloudwatch', CW('TargetResponseTime', 'p99')],
    ['prometheus', 'cloudwatch-counts', CW_COUNTS],
    ['prometheus', 'cloudwatch-ratio', CW_RATIO],
    [
      'prometheus',
      'cloudwatch-exceedance',
      { type: 'cloudwatch-exceedance', namespace: 'AWS/ApplicationELB', metricName: 'TargetResponseTime', above: 0.5 },
    ],
  ])('%s source, %s query: refused at the query type', (source, type, query) => {
    const issues = refusal(withQuery(source, query)).issues;
    expect(issues.map((i) => i.path)).toEqual(['canaryConfig.metrics[1].query.type']);
    expect(issues[0].message).toContain(`metric "p99" has a ${type} query, which metricsSource.type "${source}"`);
  });

  it("a count metric's events or total written as PromQL for CloudWatch is refused at that field", () => {
    const events = refusal(withQuery('cloudwatch', { ...CW_COUNTS, events: [PROM_COUNTS.events] })).issues;
    expect(events.map((i) => i.path)).toEqual(['canaryConfig.metrics[1].query.events[0]']);
    const denominator = refusal(withQuery('cloudwatch', { ...CW_RATIO, denominator: PROMQL })).issues;
    // a PromQL object where a CloudWatch query belongs: its type first, then what such a query lacks
    expect(denominator[0].path).toBe('canaryConfig.metrics[1].query.denominator.type');
    expect(denominator.every((i) => i.path.startsWith('canaryConfig.metrics[1].query.denominator'))).toBe(true);
  });

  it.each<[keyof typeof SOURCES, unknown]>([
    ['cloudwatch', CW_COUNTS],
    ['cloudwatch', CW_RATIO],
    ['local', CW('TargetResponseTime', 'p99')],
    ['prometheus', PROMQL],
    ['prometheus', PROM_COUNTS],
  ])('%s source with its own kind of query is accepted', (source, query) => {
    expect(runInputSchema.safeParse(withQuery(source, query)).success).toBe(true);
  });

  it('names every metric that does not fit, by its index', () => {
    const input = localRunInput({ metricsSource: SOURCES.prometheus });
    const issues = refusal(input).issues;
    // the fixture's two metrics are CloudWatch shapes (a ratio and a plain query)
    expect(issues.map((i) => i.path)).toEqual([
      'canaryConfig.metrics[0].query.type',
      'canaryConfig.metrics[1].query.type',
    ]);
    expect(issues[0].message).toMatch(/^metric "error-rate" has a cloudwatch-ratio query/);
    expect(ERROR_RATE_METRIC.query.type).toBe('cloudwatch-ratio');
  });
});
