import { z } from 'zod';
import { cloudWatchStatSchema } from '../metrics/metric-query';

/**
 * The admin API's request bodies (camelCase versions of ELBv2's and CloudWatch's request shapes). The server
 * validates with these and the client's types come from them, so both sides agree by construction.
 */

export const ALB_MAX_WEIGHT = 999;
export const ALB_MAX_FORWARD_TARGET_GROUPS = 5;
/** ALB counts every value of every condition of a rule against this limit. */
export const ALB_MAX_CONDITION_VALUES = 5;
export const ALB_MAX_VALUES_PER_CONDITION = 3;

export const tagSchema = z.object({ key: z.string().min(1).max(128), value: z.string().max(256).default('') }).strict();

const tagsSchema = z.array(tagSchema).max(50).default([]);

/** ELBv2 target group names: 1-32 letters, digits and hyphens, no hyphen at either end. */
export const targetGroupNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/,
    '1-32 letters, digits and hyphens, not starting or ending with a hyphen',
  );

/** `200`, `200-299`, `200,202`: ELBv2's HttpCode matcher. */
const matcherSchema = z
  .string()
  .regex(/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/, 'HTTP codes like "200", "200-299" or "200,202"');

/**
 * ELBv2's health check settings. Thresholds and path/matcher defaults are ELBv2's; interval and timeout
 * default shorter (5 s / 2 s) and may be fractional, so local runs and tests do not wait for 30-second checks.
 */
export const healthCheckSettingsSchema = z
  .object({
    path: z.string().startsWith('/').max(1024).default('/'),
    intervalSeconds: z.number().min(0.05).max(300).default(5),
    timeoutSeconds: z.number().min(0.01).max(120).default(2),
    healthyThresholdCount: z.number().int().min(2).max(10).default(5),
    unhealthyThresholdCount: z.number().int().min(2).max(10).default(2),
    matcher: matcherSchema.default('200'),
  })
  .strict()
  .refine((h) => h.timeoutSeconds < h.intervalSeconds, {
    path: ['timeoutSeconds'],
    message: 'must be smaller than intervalSeconds (as on ELBv2)',
  });

export const targetSchema = z
  .object({
    /** Host name or IP address (ELBv2 "ip" target type). */
    id: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65_535),
  })
  .strict();

export const createTargetGroupSchema = z
  .object({
    name: targetGroupNameSchema,
    healthCheck: healthCheckSettingsSchema.default(healthCheckSettingsSchema.parse({})),
    /** Upper bound of draining; a deregistered target without in-flight requests leaves at once (as on ELBv2). */
    deregistrationDelaySeconds: z.number().min(0).max(3600).default(30),
    tags: tagsSchema,
  })
  .strict();

export const targetsRequestSchema = z
  .object({
    targetGroupArn: z.string().min(1),
    targets: z.array(targetSchema).min(1).max(100),
  })
  .strict();

const conditionValuesSchema = z
  .array(z.string().min(1).max(128))
  .min(1)
  .max(ALB_MAX_VALUES_PER_CONDITION, `a condition takes at most ${ALB_MAX_VALUES_PER_CONDITION} values`);

/**
 * Rule conditions. ALB also has query-string and source-ip; the local router refuses them with a clear
 * error rather than ignoring them.
 */
export const conditionSchema = z.discriminatedUnion(
  'field',
  [
    z.object({ field: z.literal('path-pattern'), values: conditionValuesSchema }).strict(),
    z.object({ field: z.literal('host-header'), values: conditionValuesSchema }).strict(),
    z
      .object({
        field: z.literal('http-request-method'),
        values: z
          .array(z.string().regex(/^[A-Z_-]{1,40}$/, 'upper-case letters, _ and - only'))
          .min(1)
          .max(ALB_MAX_VALUES_PER_CONDITION, `a condition takes at most ${ALB_MAX_VALUES_PER_CONDITION} values`),
      })
      .strict(),
    z
      .object({
        field: z.literal('http-header'),
        httpHeaderName: z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}$/, 'an HTTP header name'),
        values: conditionValuesSchema,
      })
      .strict(),
  ],
  {
    error:
      'field must be one of path-pattern, host-header, http-request-method, http-header (query-string and source-ip are not supported locally)',
  },
);

export const stickinessSchema = z
  .object({ enabled: z.boolean(), durationSeconds: z.number().int().min(1).max(604_800).default(3600) })
  .strict();

export const forwardActionSchema = z
  .object({
    type: z.literal('forward', { error: 'only "forward" actions are supported by the local router' }),
    targetGroups: z
      .array(
        z
          .object({
            targetGroupArn: z.string().min(1),
            weight: z
              .number()
              .int('must be a whole number')
              .min(0, `must be between 0 and ${ALB_MAX_WEIGHT}`)
              .max(ALB_MAX_WEIGHT, `must be between 0 and ${ALB_MAX_WEIGHT}`)
              .default(1),
          })
          .strict(),
      )
      .min(1, 'a forward action needs at least one target group')
      .max(
        ALB_MAX_FORWARD_TARGET_GROUPS,
        `a forward action takes at most ${ALB_MAX_FORWARD_TARGET_GROUPS} target groups`,
      ),
    stickiness: stickinessSchema.optional(),
  })
  .strict()
  .superRefine((action, ctx) => {
    const arns = action.targetGroups.map((t) => t.targetGroupArn);
    arns.forEach((arn, i) => {
      if (arns.indexOf(arn) !== i) {
        ctx.addIssue({
          code: 'custom',
          path: ['targetGroups', i, 'targetGroupArn'],
          message: `target group ${arn} is listed twice`,
        });
      }
    });
    if (action.targetGroups.every((t) => t.weight === 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['targetGroups'],
        message: 'at least one target group needs a weight above 0',
      });
    }
  });

const actionsSchema = z.array(forwardActionSchema).length(1, 'exactly one forward action');

const conditionsSchema = z
  .array(conditionSchema)
  .min(1, 'a rule needs at least one condition (use path-pattern "/*" to match everything)')
  .superRefine((conditions, ctx) => {
    const total = conditions.reduce((n, c) => n + c.values.length, 0);
    if (total > ALB_MAX_CONDITION_VALUES) {
      ctx.addIssue({
        code: 'custom',
        message: `a rule takes at most ${ALB_MAX_CONDITION_VALUES} condition values in all; got ${total}`,
      });
    }
    const fields = conditions.map((c) =>
      c.field === 'http-header' ? `http-header:${c.httpHeaderName.toLowerCase()}` : c.field,
    );
    fields.forEach((field, i) => {
      if (fields.indexOf(field) !== i)
        ctx.addIssue({
          code: 'custom',
          path: [i, 'field'],
          message: `${field} is given twice; list several values in one condition instead`,
        });
    });
  });

export const createRuleSchema = z
  .object({
    listenerArn: z.string().min(1),
    priority: z.number().int().min(1).max(50_000),
    conditions: conditionsSchema,
    actions: actionsSchema,
    tags: tagsSchema,
  })
  .strict();

export const modifyRuleSchema = z
  .object({ ruleArn: z.string().min(1), conditions: conditionsSchema.optional(), actions: actionsSchema.optional() })
  .strict();

export const modifyListenerSchema = z
  .object({ listenerArn: z.string().min(1), defaultActions: actionsSchema })
  .strict();

export const addTagsSchema = z
  .object({ resourceArns: z.array(z.string().min(1)).min(1).max(20), tags: z.array(tagSchema).min(1).max(50) })
  .strict();

export const removeTagsSchema = z
  .object({ resourceArns: z.array(z.string().min(1)).min(1).max(20), tagKeys: z.array(z.string().min(1)).min(1) })
  .strict();

/** Epoch milliseconds or an ISO date string. */
const timeSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: 'expected epoch milliseconds or an ISO date' });
    return z.NEVER;
  }
  return ms;
});

export const metricDataQuerySchema = z
  .object({
    id: z.string().regex(/^[a-z][A-Za-z0-9_]{0,254}$/, 'starts with a lower-case letter; letters, digits and _ only'),
    label: z.string().optional(),
    metricStat: z
      .object({
        metric: z
          .object({
            namespace: z.string().min(1),
            metricName: z.string().min(1),
            dimensions: z
              .array(z.object({ name: z.string().min(1), value: z.string().min(1) }).strict())
              .max(30)
              .default([]),
          })
          .strict(),
        /** Seconds; any whole number locally (the router keeps 1-second resolution). */
        period: z.number().int().min(1),
        stat: cloudWatchStatSchema,
      })
      .strict(),
  })
  .strict();

export const getMetricDataSchema = z
  .object({
    metricDataQueries: z.array(metricDataQuerySchema).min(1).max(500),
    startTime: timeSchema,
    endTime: timeSchema,
    /** CloudWatch's default is newest first. */
    scanBy: z.enum(['TimestampDescending', 'TimestampAscending']).default('TimestampDescending'),
  })
  .strict()
  .refine((r) => r.endTime > r.startTime, { path: ['endTime'], message: 'must be after startTime' });

export type Tag = z.infer<typeof tagSchema>;
export type HealthCheckSettings = z.infer<typeof healthCheckSettingsSchema>;
export type TargetInput = z.infer<typeof targetSchema>;
export type CreateTargetGroupInput = z.input<typeof createTargetGroupSchema>;
export type TargetsRequest = z.infer<typeof targetsRequestSchema>;
export type Condition = z.infer<typeof conditionSchema>;
export type Stickiness = z.infer<typeof stickinessSchema>;
export type ForwardAction = z.infer<typeof forwardActionSchema>;
export type ForwardActionInput = z.input<typeof forwardActionSchema>;
export type CreateRuleInput = z.input<typeof createRuleSchema>;
export type ModifyRuleInput = z.input<typeof modifyRuleSchema>;
export type ModifyListenerInput = z.input<typeof modifyListenerSchema>;
export type GetMetricDataInput = z.input<typeof getMetricDataSchema>;
export type GetMetricDataRequest = z.infer<typeof getMetricDataSchema>;
export type MetricDataQuery = z.infer<typeof metricDataQuerySchema>;
