import { stepFunctionsExecutionUrl } from '../notify/console-url';
import type { Notifier } from '../notify/notifier';
import { ValidationError } from '../config/validation';
import { renderRunReport } from '../reports/html-report';
import { REPORT_NAME } from '../reports/report-names';
import type { ReportStore } from '../reports/report-store';
import { writeRunIndex } from '../reports/run-index';
import { RUN_RECORD_NAME, runRecord } from '../reports/run-record';
import { readStoredJudgment, type StoredJudgment } from '../reports/stored-judgment';
import { announce } from '../notify/announce';
import type { RunLog } from '../run-model/run-log';
import { rollbackOutcome } from './outcome';
import type { RunState } from '../run-model/run-state';

/**
 * Notify's domain: write the run's HTML report and its record for the list of runs, complete the outcome,
 * rewrite the runs' index, tell the notifiers.
 */

export interface NotifyDeps {
  reports: ReportStore;
  notifiers: Notifier[];
  log: RunLog;
}

/** What the workflow tells notify besides the state. */
export interface NotifyContext {
  /** The Step Functions execution's ARN: the messages link to its console page (none for a local run). */
  executionArn?: string;
  now?: Date;
}

const executionLink = (executionArn: string | undefined) =>
  executionArn === undefined ? undefined : stepFunctionsExecutionUrl(executionArn);

/**
 * The run's stored judgments for its report. One that is missing or malformed is left out with a warning naming
 * the file (and the bad field): the report and the notifications still go out, the details of that step do not.
 */
async function storedJudgments(state: RunState, reports: ReportStore, log: RunLog): Promise<StoredJudgment[]> {
  const loaded = await Promise.all(
    state.judgments.map(async (j) => {
      try {
        const stored = await readStoredJudgment(reports, state.runId, j.reportKey);
        if (stored === undefined) log.warn('judgment details missing from the report store', { key: j.reportKey });
        return stored;
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        log.warn('judgment details left out of the report', { key: j.reportKey, error: error.message });
        return undefined;
      }
    }),
  );
  return loaded.filter((j): j is StoredJudgment => j !== undefined);
}

export async function notify(state: RunState, deps: NotifyDeps, context: NotifyContext = {}): Promise<RunState> {
  const now = context.now ?? new Date();
  // A rollback that itself failed reaches here without an outcome.
  const outcome = { ...(state.outcome ?? rollbackOutcome(state)), finishedAt: now.toISOString() };
  const ended: RunState = { ...state, outcome };
  const html = renderRunReport({ state: ended, judgments: await storedJudgments(ended, deps.reports, deps.log) });
  const report = await deps.reports.put(state.runId, REPORT_NAME, html, 'text/html; charset=utf-8');
  const final: RunState = { ...ended, outcome: { ...outcome, reportKey: report.key, reportUrl: report.url } };
  await deps.reports.put(state.runId, RUN_RECORD_NAME, JSON.stringify(runRecord(final)), 'application/json');
  const index = await rewriteIndex(deps, now);
  const links = { execution: executionLink(context.executionArn), report: report.url, index };
  await announce(deps.notifiers, { kind: 'finished', state: final, links }, deps.log);
  return final;
}

/** The runs' index is a convenience: when it cannot be written, the run still ends as decided. */
async function rewriteIndex(deps: NotifyDeps, now: Date): Promise<string | undefined> {
  try {
    return (await writeRunIndex(deps.reports, now)).url;
  } catch (error) {
    deps.log.warn('runs index not written', { error: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}

/**
 * AwaitApproval's call: tell people the run waits for them. The task token stays in the execution history,
 * where the run API's approve/reject endpoint reads it; it is not sent around.
 */
export async function requestApproval(
  state: RunState,
  deps: Omit<NotifyDeps, 'reports'>,
  context: Pick<NotifyContext, 'executionArn'> = {},
): Promise<RunState> {
  const links = { execution: executionLink(context.executionArn) };
  await announce(deps.notifiers, { kind: 'approval', state, links }, deps.log);
  return state;
}
