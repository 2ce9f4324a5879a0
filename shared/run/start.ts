import type { RunInput } from '../config/run-config';
import { runIdSchema } from '../config/run-config';
import { resolveMetricQuery } from '../config/metric-presets';
import { nestedIn, runInputError, ValidationError } from '../config/validation';
import type { Fleet } from '../fleet/fleet';
import type { Notifier } from '../notify/notifier';
import type { Traffic } from '../traffic/traffic';
import { announce } from '../notify/announce';
import type { RunLog } from '../run-model/run-log';
import type { RunState } from '../run-model/run-state';

/** Validate's domain: name the run, check that every metric can be read and that the listener is free. */

const RUN_ID_MAX = 63;

function slug(text: string): string {
  return text
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** `service-canaryversion-YYYYMMDDhhmmss`, reduced to what run ids (and AWS names/tags) allow. */
export function newRunId(input: Pick<RunInput, 'service' | 'canary'>, now: Date): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const head = slug(`${input.service}-${input.canary.version}`).slice(0, RUN_ID_MAX - stamp.length - 1);
  const id = `${head.replace(/-+$/, '')}-${stamp}`;
  return runIdSchema.parse(id);
}

/**
 * Fails (changing nothing) when a metric has neither a query nor a preset usable with the run's metrics
 * source: found now rather than at the first judgment, after instances were launched.
 */
export function assertMetricsResolvable(input: RunInput): void {
  input.canaryConfig.metrics.forEach((metric, i) => {
    try {
      resolveMetricQuery(metric, input.metricsSource.type, i);
    } catch (error) {
      // resolveMetricQuery names the field inside the canary config, which here is part of the run input.
      throw error instanceof ValidationError ? nestedIn(error, 'run input', 'canaryConfig') : error;
    }
  });
}

export interface StartDeps {
  traffic: Traffic;
  fleet: Fleet;
  notifiers: Notifier[];
  log: RunLog;
}

export async function startRun(input: RunInput, deps: StartDeps, now = new Date()): Promise<RunState> {
  assertMetricsResolvable(input);
  const runId = input.runId ?? newRunId(input, now);
  await deps.traffic.assertAvailable(runId, input.traffic);
  // A run id names one run: a second run under it would take over the first one's rule and target groups
  // (and its teardown would remove them under the first run).
  const rule = await deps.traffic.describe(runId, input.traffic);
  const existing = [...(rule ? [`listener rule ${rule.ruleArn}`] : []), ...(await deps.fleet.existing(runId)).sort()];
  if (existing.length > 0) {
    throw runInputError(
      'runId',
      `run id "${runId}" is already in use: ${existing.join(', ')} still exist; a run id names one run, so give ` +
        `a new one (or remove the old run's resources with canary-judge cleanup)`,
    );
  }
  const state: RunState = {
    runId,
    input: { ...input, runId },
    startedAt: now.toISOString(),
    resources: {},
    judgments: [],
  };
  await announce(deps.notifiers, { kind: 'started', state, links: {} }, deps.log);
  return state;
}
