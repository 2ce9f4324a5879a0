import { z } from 'zod';
import { canaryConfigSchema, scoreThresholdsSchema } from '../judge/canary-config';
import { errorControlSchema } from '../judge/error-control';
import { QUERY_TYPES_BY_SOURCE } from '../metrics/metric-query';

/**
 * The input of one canary run: the same schema validates a CI webhook body, a console "Start execution"
 * input and a local `canary-judge run --config` file. Types are derived from it.
 */

const ALB_MAX_WEIGHT = 999;
/** Longest metric period (or Prometheus step): a longer one leaves a step with no data point at all. */
const MAX_PERIOD_SECONDS = 3600;

export const runIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-_]{0,62}$/, 'letters, digits, - and _ only, at most 63 characters');

/** AWS: instances from the service's launch template (optionally another AMI or user data for this version). */
export const awsLaunchSchema = z
  .object({
    launchTemplate: z
      .object({
        launchTemplateId: z.string().optional(),
        launchTemplateName: z.string().optional(),
        version: z.string().default('$Default'),
      })
      .strict()
      .refine((lt) => Boolean(lt.launchTemplateId) !== Boolean(lt.launchTemplateName), {
        message: 'give exactly one of launchTemplateId and launchTemplateName',
      }),
    imageId: z
      .string()
      .regex(/^ami-[0-9a-f]+$/, 'expected an AMI id (ami-...)')
      .optional(),
    instanceType: z.string().optional(),
    userData: z.string().optional(),
    instanceCount: z.number().int().min(1).max(20).default(1),
    subnetIds: z.array(z.string()).optional(),
    securityGroupIds: z.array(z.string()).optional(),
  })
  .strict();

/** Local: a command line started as a child process per instance; it must listen on $PORT. */
export const localLaunchSchema = z
  .object({
    command: z.array(z.string().min(1)).min(1, 'the command needs at least the program'),
    env: z.record(z.string(), z.string()).default({}),
    cwd: z.string().optional(),
    instanceCount: z.number().int().min(1).max(10).default(1),
  })
  .strict();

/** A version as release tools write them (1.42.0, v2.0.0-rc.1+build.7): it appears in names, tags and messages. */
export const versionSchema = z
  .string()
  .min(1)
  .max(64, 'at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, 'letters, digits, ".", "_", "+" and "-", starting with a letter or digit');

export const versionSpecSchema = z
  .object({
    version: versionSchema,
    aws: awsLaunchSchema.optional(),
    local: localLaunchSchema.optional(),
  })
  .strict();

export const stepSchema = z
  .object({
    /** Percent of traffic to the canary, and the same percent to the baseline; production keeps the rest. */
    weight: z.number().int().min(1).max(50),
    durationSeconds: z.number().int().min(1).max(86_400),
  })
  .strict();

export const ruleConditionsSchema = z
  .object({
    hostHeader: z.array(z.string()).min(1).optional(),
    pathPattern: z.array(z.string()).min(1).optional(),
    httpRequestMethod: z.array(z.string()).min(1).optional(),
    httpHeader: z
      .object({ name: z.string().min(1), values: z.array(z.string()).min(1) })
      .strict()
      .optional(),
  })
  .strict();

export const trafficSchema = z
  .object({
    listenerArn: z.string().min(1),
    productionTargetGroupArn: z.string().min(1),
    /** Priority of the listener rule the run creates; the lowest free priority when absent. */
    rulePriority: z.number().int().min(1).max(50_000).optional(),
    conditions: ruleConditionsSchema.optional(),
    stickiness: z
      .object({
        enabled: z.boolean().default(true),
        durationSeconds: z.number().int().min(1).max(604_800).default(3600),
      })
      .strict()
      .optional(),
  })
  .strict();

export const healthCheckSchema = z
  .object({
    path: z.string().startsWith('/').default('/health'),
    intervalSeconds: z.number().int().min(1).max(300).default(10),
    timeoutSeconds: z.number().int().min(5).max(3600).default(600),
  })
  .strict();

/**
 * How long after a period ends its data is complete at the source: a look only judges periods that ended at least
 * this long ago (ALB metrics reach CloudWatch about a minute late; the local router and a scraped Prometheus have
 * them at once). Time to a decision includes it.
 */
const delaySeconds = (fallback: number) => z.number().int().min(0).max(3600).default(fallback);

export const metricsSourceSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('cloudwatch'),
      region: z.string().optional(),
      periodSeconds: z.number().int().min(1).max(MAX_PERIOD_SECONDS).default(60),
      delaySeconds: delaySeconds(60),
    })
    .strict(),
  z
    .object({
      type: z.literal('prometheus'),
      url: z.string().url(),
      stepSeconds: z.number().int().min(1).max(MAX_PERIOD_SECONDS).default(10),
      /** Label selector for a version; `${role}`, `${version}` and `${runId}` are filled in. */
      scopeSelector: z.string().default('role="${role}",run_id="${runId}"'),
      sigv4: z
        .object({ region: z.string(), service: z.string().default('aps') })
        .strict()
        .optional(),
      delaySeconds: delaySeconds(0),
    })
    .strict(),
  /** The local router's per-target-group stats, answering CloudWatch-shaped queries at 1-second resolution. */
  z
    .object({
      type: z.literal('local'),
      periodSeconds: z.number().int().min(1).max(MAX_PERIOD_SECONDS).default(1),
      delaySeconds: delaySeconds(0),
    })
    .strict(),
]);

/**
 * When and how the canary is judged.
 * - `sequential` (default): a look every `checkIntervalSeconds` inside each step, with error control that stays valid
 *   however often it looks (count metrics by the anytime-valid count test, continuous metrics by Mann-Whitney at
 *   levels spent metric by metric over the run), so a bad canary is rolled back at the first look that proves it;
 *   a failure beyond a metric's configured critical floor fails the run whatever its group; a run that can no
 *   longer reach the pass score is rolled back at once.
 * - `kayenta`: Kayenta's and Spinnaker's behaviour: one judgment at the end of each step, count metrics as per-period
 *   ratios by Mann-Whitney, only critical metrics fail the run by themselves.
 */
export const judgmentSchema = z
  .object({
    mode: z.enum(['sequential', 'kayenta']).default('sequential'),
    /** Seconds between looks inside a step (sequential mode); a step's last look is always at its end. */
    checkIntervalSeconds: z.number().int().min(1).max(3600).default(60),
    /**
     * The count metrics' test in sequential mode: `anytime-valid` (default) holds its budget however the looks fall
     * (a look delayed or repeated, data revised after a look), joined at the run's last look by an exact test
     * (`countFinalShare`); `conditional-binomial` is exact at each look and spends the budget over the planned looks
     * like the continuous metrics (the two compared: docs/statistical-quality.md).
     */
    countTest: z.enum(['anytime-valid', 'conditional-binomial']).default('anytime-valid'),
    /**
     * The share of a count metric's budget the anytime-valid test keeps back for one exact test (the conditional
     * binomial test on all the run's counts) at the run's last planned look, which pays nothing for the looks before
     * it and so catches more of what only the whole run can show (a doubled rate, a broken canary on thin traffic).
     * 0: the anytime-valid test alone. Default DEFAULT_COUNT_FINAL_SHARE (0.5) with the anytime-valid test.
     */
    countFinalShare: z.number().min(0).max(0.9).optional(),
  })
  .strict()
  .superRefine((judgment, ctx) => {
    // a final exact look belongs to the anytime-valid test; the others would ignore it
    if (
      judgment.countFinalShare !== undefined &&
      (judgment.mode === 'kayenta' || judgment.countTest === 'conditional-binomial')
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['countFinalShare'],
        message:
          'countFinalShare applies to the anytime-valid count test in judgment.mode "sequential"; ' +
          (judgment.mode === 'kayenta'
            ? 'mode "kayenta" judges count metrics as per-period ratios'
            : 'the conditional binomial test already spends its budget over the planned looks') +
          ' (remove countFinalShare)',
      });
    }
    // Kayenta mode judges counts as per-period ratios by Mann-Whitney: a count test asked for would be ignored
    if (judgment.mode === 'kayenta' && judgment.countTest === 'conditional-binomial') {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['countTest'],
        message:
          'a count test applies to judgment.mode "sequential"; mode "kayenta" judges count metrics as per-period ' +
          'ratios, as Kayenta does (remove countTest or use mode "sequential")',
      });
    }
  });

/** The share of a count metric's budget kept for the exact test at the run's last look (docs/statistical-quality.md). */
export const DEFAULT_COUNT_FINAL_SHARE = 0.5;

/** The share of the count budget a run keeps for its last look: 0 unless the anytime-valid test judges the counts. */
export function countFinalShareOf(judgment: JudgmentConfig): number {
  if (judgment.mode === 'kayenta' || judgment.countTest !== 'anytime-valid') return 0;
  return judgment.countFinalShare ?? DEFAULT_COUNT_FINAL_SHARE;
}

/**
 * Most looks a run may plan. Each look is a Wait, a Judge task and a Choice in the execution's history (9 events), so
 * 1000 looks take about 9,000 of the 25,000 events Step Functions allows an execution, leaving room for the health
 * polls (at most 40), retries and the rest; each look is also one metrics query per metric.
 */
export const MAX_PLANNED_LOOKS = 1000;

/** Looks in a step of `durationSeconds`: one per check interval, the last at the step's end (Kayenta mode: one). */
export function looksPerStep(judgment: JudgmentConfig, durationSeconds: number): number {
  if (judgment.mode === 'kayenta') return 1;
  return Math.max(1, Math.ceil(durationSeconds / judgment.checkIntervalSeconds));
}

/** The shortest check interval (seconds) that keeps the steps within MAX_PLANNED_LOOKS. */
function shortestIntervalWithin(durations: number[]): number {
  let interval = Math.max(1, Math.ceil(durations.reduce((a, b) => a + b, 0) / MAX_PLANNED_LOOKS));
  while (durations.reduce((sum, d) => sum + Math.ceil(d / interval), 0) > MAX_PLANNED_LOOKS) interval += 1;
  return interval;
}

export const analysisSchema = z
  .object({
    /** Data within this many seconds after a weight change is skipped. */
    warmupSeconds: z.number().int().min(0).max(86_400).default(0),
    /** Sliding window length; absent = cumulative from the moment both versions first received traffic. */
    lookbackSeconds: z.number().int().min(1).max(604_800).optional(),
    /** Confidence level of every Mann-Whitney interval when errorControl.method is `none` (Kayenta: 0.98). */
    confidenceLevel: z.number().gt(0.5).lt(1).default(0.98),
    /** Spends one false-rollback budget over all judgments of the run (see shared/judge/error-control.ts). */
    errorControl: errorControlSchema.default(errorControlSchema.parse({})),
  })
  .strict();

export const promoteSchema = z.discriminatedUnion('strategy', [
  z.object({ strategy: z.literal('none') }).strict(),
  z
    .object({
      strategy: z.literal('autoScaling'),
      autoScalingGroupName: z.string().min(1),
      /** Launch template version to roll out; defaults to the canary's launch template version. */
      launchTemplateVersion: z.string().optional(),
      minHealthyPercentage: z.number().int().min(0).max(100).default(90),
    })
    .strict(),
  z.object({ strategy: z.literal('webhook'), url: z.string().url(), secretArn: z.string().optional() }).strict(),
]);

export const notificationsSchema = z
  .object({
    slack: z
      .object({
        /** A Slack incoming-webhook URL, or a Secrets Manager secret holding it (on AWS). */
        webhookUrl: z.string().url().optional(),
        webhookSecretArn: z.string().optional(),
        onStart: z.boolean().default(false),
        onJudgment: z.boolean().default(false),
      })
      .strict()
      .optional(),
    /** Put a `canary-judge.verdict` event on the default EventBridge bus (AWS). */
    events: z.boolean().default(true),
  })
  .strict();

export const runInputSchema = z
  .object({
    runId: runIdSchema.optional(),
    target: z.enum(['aws', 'local']).default('aws'),
    service: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'lower-case letters, digits and -, at most 32 characters'),
    baseline: versionSpecSchema,
    canary: versionSpecSchema,
    traffic: trafficSchema,
    healthCheck: healthCheckSchema.default(healthCheckSchema.parse({})),
    steps: z.array(stepSchema).min(1).max(20),
    analysis: analysisSchema.default(analysisSchema.parse({})),
    judgment: judgmentSchema.default(judgmentSchema.parse({})),
    metricsSource: metricsSourceSchema,
    canaryConfig: canaryConfigSchema,
    thresholds: scoreThresholdsSchema.default({ marginal: 50, pass: 75 }),
    promote: promoteSchema.default({ strategy: 'none' }),
    notifications: notificationsSchema.default(notificationsSchema.parse({})),
    approval: z.enum(['none', 'before-promote']).default('none'),
    /** Judge and report, never move production traffic past the first step, never promote. */
    dryRun: z.boolean().default(false),
  })
  .strict()
  .superRefine((run, ctx) => {
    for (const role of ['baseline', 'canary'] as const) {
      if (!run[role][run.target]) {
        ctx.addIssue({
          code: 'custom',
          path: [role, run.target],
          message: `a ${run.target} launch spec is required for target "${run.target}"`,
        });
      }
    }
    // Warm-up skips the data after every weight change: a step no longer than it is never judged.
    const shortest = run.steps.reduce((min, s, i) => (s.durationSeconds < run.steps[min].durationSeconds ? i : min), 0);
    if (run.analysis.warmupSeconds >= run.steps[shortest].durationSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['analysis', 'warmupSeconds'],
        message: `must be shorter than every step: steps[${shortest}].durationSeconds is ${run.steps[shortest].durationSeconds}`,
      });
    }
    const looks = run.steps.reduce((sum, s) => sum + looksPerStep(run.judgment, s.durationSeconds), 0);
    if (looks > MAX_PLANNED_LOOKS) {
      const durations = run.steps.map((s) => s.durationSeconds);
      ctx.addIssue({
        code: 'custom',
        path: ['judgment', 'checkIntervalSeconds'],
        message:
          `a look every ${run.judgment.checkIntervalSeconds}s plans ${looks} looks over the steps, more than ` +
          `${MAX_PLANNED_LOOKS}: use at least ${shortestIntervalWithin(durations)}s (or fewer, shorter steps)`,
      });
    }
    // A query of another source's kind (PromQL against CloudWatch, a CloudWatch shape against Prometheus) would
    // only fail at the first judgment, after instances were launched and traffic moved.
    const answered: readonly string[] = QUERY_TYPES_BY_SOURCE[run.metricsSource.type];
    run.canaryConfig.metrics.forEach((metric, i) => {
      if (!metric.query || answered.includes(metric.query.type)) return;
      ctx.addIssue({
        code: 'custom',
        path: ['canaryConfig', 'metrics', i, 'query', 'type'],
        message:
          `metric "${metric.name}" has a ${metric.query.type} query, which metricsSource.type ` +
          `"${run.metricsSource.type}" cannot answer (it answers ${answered.join(', ')}); give a query of that kind ` +
          `or a preset, or change metricsSource`,
      });
    });
    // production keeps 100 - 2*weight; ALB weights are 0..999 and we use percents, so only the sum can break.
    run.steps.forEach((s, i) => {
      if (2 * s.weight > 100 || 2 * s.weight > ALB_MAX_WEIGHT) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'weight'],
          message: 'baseline + canary may not exceed 100%',
        });
      }
      if (i > 0 && s.weight < run.steps[i - 1].weight) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'weight'],
          message: 'weights must not decrease from one step to the next',
        });
      }
    });
  });

export type RunInput = z.infer<typeof runInputSchema>;
export type RunInputRaw = z.input<typeof runInputSchema>;
export type Step = z.infer<typeof stepSchema>;
export type VersionSpec = z.infer<typeof versionSpecSchema>;
export type AwsLaunch = z.infer<typeof awsLaunchSchema>;
export type LocalLaunch = z.infer<typeof localLaunchSchema>;
export type TrafficConfig = z.infer<typeof trafficSchema>;
export type RuleConditions = z.infer<typeof ruleConditionsSchema>;
export type HealthCheckConfig = z.infer<typeof healthCheckSchema>;
export type MetricsSourceConfig = z.infer<typeof metricsSourceSchema>;
export type JudgmentConfig = z.infer<typeof judgmentSchema>;
export type AnalysisConfig = z.infer<typeof analysisSchema>;
export type PromoteConfig = z.infer<typeof promoteSchema>;
export type NotificationsConfig = z.infer<typeof notificationsSchema>;
