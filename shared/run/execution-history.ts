import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import { parseOrThrow } from '../config/validation';
import type { RunState } from '../run-model/run-state';
import { runStateSchema } from '../run-model/run-state-schema';

/**
 * Reading a run back from its Step Functions execution history: where it is, the last RunState a
 * state saw, and a pending approval's task token. Pure functions over the events, plus one fetcher.
 */

/** All events, oldest first (a run has a few hundred at most, so paging through them all is cheap). */
export async function fetchHistory(sfn: Pick<SFNClient, 'send'>, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, includeExecutionData: true, nextToken }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

export function enteredStates(events: readonly HistoryEvent[]): string[] {
  return events.flatMap((e) =>
    e.type?.endsWith('StateEntered') && e.stateEnteredEventDetails?.name ? [e.stateEnteredEventDetails.name] : [],
  );
}

export function exitedStates(events: readonly HistoryEvent[]): string[] {
  return events.flatMap((e) =>
    e.type?.endsWith('StateExited') && e.stateExitedEventDetails?.name ? [e.stateExitedEventDetails.name] : [],
  );
}

const ENDED = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']);

/** The state the execution is in (or ended in): the last one entered. */
export function currentState(events: readonly HistoryEvent[]): string | undefined {
  return enteredStates(events).at(-1);
}

/** A run state rather than the raw input Validate saw or a task's wrapper of one: it has the run's id and resources. */
function looksLikeRunState(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    'runId' in value &&
    typeof value.runId === 'string' &&
    'input' in value &&
    typeof value.input === 'object' &&
    'resources' in value &&
    typeof value.resources === 'object'
  );
}

function parse(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The newest RunState in the history (a state's input or output), checked with its schema: one edited by hand
 * (an execution restarted from the console) throws a ValidationError naming the field. Undefined when the run
 * never got past Validate, i.e. it created nothing.
 */
export function latestRunState(events: readonly HistoryEvent[]): RunState | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    const candidates = [e.stateExitedEventDetails?.output, e.stateEnteredEventDetails?.input];
    for (const text of candidates) {
      const value = parse(text);
      if (looksLikeRunState(value)) return parseOrThrow(runStateSchema, value, 'run state from the execution history');
    }
  }
  return undefined;
}

/**
 * The task token of the `.waitForTaskToken` state `stateName` if the execution waits in it now; undefined
 * when it is not there (never reached, or already decided). The token is the `tokenField` of the Lambda
 * payload that Step Functions records in the TaskScheduled event.
 */
export function pendingTaskToken(
  events: readonly HistoryEvent[],
  stateName: string,
  tokenField: string,
): string | undefined {
  if (events.some((e) => e.type !== undefined && ENDED.has(e.type))) return undefined;
  const entered = events.findLastIndex((e) => e.type?.endsWith('StateEntered'));
  if (entered < 0 || events[entered].stateEnteredEventDetails?.name !== stateName) return undefined;
  const since = events.slice(entered + 1);
  if (since.some((e) => e.type?.endsWith('StateExited'))) return undefined;
  // A retried invocation schedules again: the newest schedule carries the live token.
  const scheduled = since.findLast((e) => e.type === 'TaskScheduled');
  const params = parse(scheduled?.taskScheduledEventDetails?.parameters) as
    { Payload?: Record<string, unknown> } | undefined;
  const token = params?.Payload?.[tokenField];
  return typeof token === 'string' ? token : undefined;
}
