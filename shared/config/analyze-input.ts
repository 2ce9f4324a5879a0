import { z } from 'zod';
import { targetGroupDimension } from '../aws/arn';
import { canaryConfigSchema, scoreThresholdsSchema } from '../judge/canary-config';
import type { MetricQuery } from '../metrics/metric-query';
import { resolveMetricQuery } from './metric-presets';
import { analysisSchema, judgmentSchema, metricsSourceSchema, runIdSchema } from './run-config';
import { ValidationError } from './validation';

/**
 * The input of an analysis: a canary someone else deployed (CodeDeploy, an Auto Scaling group, by hand), judged after
 * the fact from its metrics over a past window, interval by interval, with a run's judge and decision rule. The same
 * schema validates `canary-judge analyze`'s config and flags, the library call, the Lambda event and the state
 * machine's `mode: "analyze"` input.
 */

/** At most this many intervals: every interval reads the window from its start again (cumulative windows). */
export const MAX_ANALYSIS_INTERVALS = 48;
export const DEFAULT_ANALYSIS_INTERVAL_SECONDS = 600;

/** A version to analyze: an ALB target group (CloudWatch) or a Prometheus label set. */
export type AnalysisTarget =
  | { kind: 'target-group'; text: string; targetGroup: string; label: string }
  | { kind: 'labels'; text: string; selector: string; label: string };

const LABEL_MATCHER = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|[^,"{}]*?)\s*(?:,|$)/y;

/** `{version="v1",job="shop"}` or `version=v1,job=shop` as a PromQL label selector (without braces). */
function labelSelector(text: string): string | undefined {
  const inner = text.trim().replace(/^\{([\s\S]*)\}$/, '$1');
  if (inner.trim() === '') return undefined;
  const matchers: string[] = [];
  LABEL_MATCHER.lastIndex = 0;
  while (LABEL_MATCHER.lastIndex < inner.length) {
    const at = LABEL_MATCHER.lastIndex;
    const m = LABEL_MATCHER.exec(inner);
    if (!m || m[0] === '' || LABEL_MATCHER.lastIndex === at) return undefined;
    const [, name, op, raw] = m;
    if (raw === '') return undefined;
    const value = raw.startsWith('"') ? raw : JSON.stringify(raw);
    matchers.push(`${name}${op}${value}`);
  }
  return matchers.length > 0 ? matchers.join(',') : undefined;
}

/** The target as the metrics source needs it; a string saying what is wrong when it is neither form. */
export function parseAnalysisTarget(text: string): AnalysisTarget | string {
  const trimmed = text.trim();
  if (/^(arn:|targetgroup\/)/.test(trimmed)) {
    try {
      const targetGroup = targetGroupDimension(trimmed);
      return { kind: 'target-group', text: trimmed, targetGroup, label: targetGroup.split('/')[1] };
    } catch (error) {
      return (error as Error).message;
    }
  }
  const selector = labelSelector(trimmed);
  if (selector) return { kind: 'labels', text: trimmed, selector, label: `{${selector}}` };
  return `expected a target group (targetgroup/<name>/<id> or its ARN) or a Prometheus label set ({version="v1"} or version=v1,job=shop), got ${JSON.stringify(text)}`;
}

const isoTimeSchema = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 time, e.g. 2026-05-04T14:00:00Z' });

export const analyzeInputSchema = z
  .object({
    /** The state machine routes an input with `mode: "analyze"` here instead of a run. */
    mode: z.literal('analyze').optional(),
    /** Names the report folder; made from the service and the time of the analysis when absent. */
    analysisId: runIdSchema.optional(),
    service: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'lower-case letters, digits and -, at most 32 characters')
      .default('service'),
    baseline: z.string().min(1).max(1024),
    canary: z.string().min(1).max(1024),
    /** CloudWatch: the load balancer of both target groups (ARN or app/<name>/<id>), for the LoadBalancer dimension. */
    loadBalancer: z.string().min(1).optional(),
    from: isoTimeSchema,
    to: isoTimeSchema,
    intervalSeconds: z.number().int().min(1).max(86_400).default(DEFAULT_ANALYSIS_INTERVAL_SECONDS),
    metricsSource: metricsSourceSchema,
    canaryConfig: canaryConfigSchema,
    thresholds: scoreThresholdsSchema.default({ marginal: 50, pass: 75 }),
    analysis: analysisSchema.default(analysisSchema.parse({})),
    judgment: judgmentSchema.default(judgmentSchema.parse({})),
  })
  .strict()
  .superRefine((input, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const source = input.metricsSource;
    if (source.type === 'local') {
      issue(
        ['metricsSource', 'type'],
        'analyze reads "cloudwatch" or "prometheus" (the local router keeps no history)',
      );
      return;
    }
    for (const role of ['baseline', 'canary'] as const) {
      const target = parseAnalysisTarget(input[role]);
      if (typeof target === 'string') issue([role], target);
      else if (source.type === 'cloudwatch' && target.kind !== 'target-group') {
        issue([role], `the cloudwatch source reads an ALB target group (targetgroup/<name>/<id>), got ${target.text}`);
      } else if (source.type === 'prometheus' && target.kind !== 'labels') {
        issue([role], `the prometheus source reads a label set ({version="v1"}), got ${target.text}`);
      }
    }
    const from = Date.parse(input.from);
    const to = Date.parse(input.to);
    if (to <= from) {
      issue(['to'], `must be after from (${input.from})`);
      return;
    }
    const interval = input.intervalSeconds;
    const period = source.type === 'cloudwatch' ? source.periodSeconds : source.stepSeconds;
    const seconds = (to - from) / 1000;
    if (interval % period !== 0) {
      issue(['intervalSeconds'], `${interval}s is not a whole number of the source's ${period}s periods`);
    } else if (seconds % interval !== 0) {
      issue(
        ['intervalSeconds'],
        `from..to is ${seconds}s, not a whole number of ${interval}s intervals; move "to" or pick an interval that divides it`,
      );
    } else if (seconds / interval > MAX_ANALYSIS_INTERVALS) {
      issue(
        ['intervalSeconds'],
        `from..to makes ${seconds / interval} intervals of ${interval}s, at most ${MAX_ANALYSIS_INTERVALS}: use a longer interval`,
      );
    }
    if (input.analysis.warmupSeconds >= interval) {
      issue(['analysis', 'warmupSeconds'], `must be shorter than the interval (${interval}s)`);
    }
    if (source.type === 'cloudwatch') {
      input.canaryConfig.metrics.forEach((m, i) => {
        let query: MetricQuery;
        try {
          query = resolveMetricQuery(m, source.type, i);
        } catch (error) {
          issue(['canaryConfig', 'metrics', i], (error as Error).message);
          return;
        }
        const scopes = cloudWatchScopes(query);
        if (scopes.some((s) => s !== 'TargetGroup')) {
          issue(
            ['canaryConfig', 'metrics', i],
            `metric "${m.name}" is scoped by ${scopes.find((s) => s !== 'TargetGroup')}: analyze compares target groups (scopeDimension "TargetGroup")`,
          );
        } else if (scopes.length > 0 && !input.loadBalancer) {
          issue(
            ['loadBalancer'],
            `metric "${m.name}" reads ALB metrics, which need the load balancer (app/<name>/<id>)`,
          );
        }
      });
    }
  });

/** The scope dimensions a CloudWatch query reads by, as words ("TargetGroup", "InstanceId", "dimension X"). */
function cloudWatchScopes(query: MetricQuery): string[] {
  const word = (s: { scopeDimension: unknown }) =>
    typeof s.scopeDimension === 'string'
      ? s.scopeDimension
      : `dimension ${(s.scopeDimension as { dimension: string }).dimension}`;
  switch (query.type) {
    case 'cloudwatch':
    case 'cloudwatch-exceedance':
      return [word(query)];
    case 'cloudwatch-ratio':
      return [word(query.numerator), word(query.denominator)];
    case 'cloudwatch-counts':
      return [...query.events.map(word), word(query.total)];
    default:
      return [];
  }
}

export type AnalyzeInput = z.infer<typeof analyzeInputSchema>;
export type AnalyzeInputRaw = z.input<typeof analyzeInputSchema>;

/** What the schema cannot know: the window must be over. `now` is the caller's clock. */
export function assertWindowPast(input: Pick<AnalyzeInput, 'to'>, now: Date): void {
  if (Date.parse(input.to) > now.getTime()) {
    throw new ValidationError('analyze input', [
      { path: 'to', message: `${input.to} is in the future (now ${now.toISOString()}): analyze judges a past window` },
    ]);
  }
}
