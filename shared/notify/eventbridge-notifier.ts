import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { isFailingClassification } from '../reports/metric-rows';
import { runHeadline, runIdentity } from '../reports/run-summary';
import type { RunLog } from '../run-model/run-log';
import type { RunState } from '../run-model/run-state';
import { stderrLog } from './stderr-log';
import type { Notifier, RunEvent } from './notifier';

/**
 * Puts a `canary-judge.verdict` event on an EventBridge bus when a run finishes, so other systems (deploy
 * pipelines, dashboards, chat-ops) can react to the verdict with rules instead of polling. A failed put is
 * logged, never thrown.
 */

export const VERDICT_DETAIL_TYPE = 'canary-judge.verdict';
export const DEFAULT_EVENT_SOURCE = 'canary-judge';

/** Long reasons are cut so the event stays small (EventBridge allows 256 KB per entry). */
const MAX_REASON = 2000;

export interface VerdictEventDetail {
  runId: string;
  service: string;
  baselineVersion: string;
  canaryVersion: string;
  target: 'aws' | 'local';
  dryRun: boolean;
  verdict: 'pass' | 'marginal' | 'fail' | 'inconclusive' | null;
  score: number | null;
  decision: 'promote' | 'rollback' | null;
  status: string;
  /** Why, in one sentence of plain words (what Slack and the report lead with). */
  summary: string;
  reason: string;
  thresholds: { marginal: number; pass: number };
  steps: { planned: number; judged: number };
  failedMetrics: string[];
  startedAt: string;
  finishedAt: string | null;
  reportUrl: string | null;
  reportKey: string | null;
  executionUrl: string | null;
}

const cut = (text: string) => (text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text);

export function verdictEventDetail(state: RunState, links: RunEvent['links'] = {}): VerdictEventDetail {
  const h = runHeadline(state);
  return {
    ...runIdentity(state),
    verdict: h.verdict ?? null,
    score: h.score ?? null,
    decision: h.decision ?? null,
    status: h.status,
    summary: cut(h.summary),
    reason: cut(h.reason),
    thresholds: h.thresholds,
    steps: { planned: state.input.steps.length, judged: state.judgments.length },
    failedMetrics: (h.lastJudgment?.metrics ?? [])
      .filter((m) => isFailingClassification(m.classification))
      .map((m) => m.name),
    startedAt: state.startedAt,
    finishedAt: h.endedAt ?? null,
    reportUrl: links.report ?? state.outcome?.reportUrl ?? null,
    reportKey: state.outcome?.reportKey ?? null,
    executionUrl: links.execution ?? null,
  };
}

export interface EventBridgeNotifierOptions {
  client?: EventBridgeClient;
  /** Name or ARN of the bus (default: the account's default bus). */
  eventBusName?: string;
  source?: string;
  logger?: RunLog;
}

export class EventBridgeNotifier implements Notifier {
  private readonly client: EventBridgeClient;
  private readonly eventBusName: string;
  private readonly source: string;
  private readonly log: RunLog;

  constructor(options: EventBridgeNotifierOptions = {}) {
    this.client = options.client ?? new EventBridgeClient({});
    this.eventBusName = options.eventBusName ?? 'default';
    this.source = options.source ?? DEFAULT_EVENT_SOURCE;
    this.log = options.logger ?? stderrLog;
  }

  async notify(event: RunEvent): Promise<void> {
    if (event.kind !== 'finished') return;
    const detail = verdictEventDetail(event.state, event.links);
    const context = { runId: event.state.runId, eventBusName: this.eventBusName };
    try {
      const response = await this.client.send(
        new PutEventsCommand({
          Entries: [
            {
              Source: this.source,
              DetailType: VERDICT_DETAIL_TYPE,
              Detail: JSON.stringify(detail),
              EventBusName: this.eventBusName,
              Time: detail.finishedAt ? new Date(detail.finishedAt) : undefined,
            },
          ],
        }),
      );
      // PutEvents answers 200 even when an entry is rejected; the entry carries the error.
      const failed = response.Entries?.find((e) => e.ErrorCode);
      if ((response.FailedEntryCount ?? 0) > 0 || failed) {
        this.log.warn('verdict event rejected by EventBridge', {
          ...context,
          errorCode: failed?.ErrorCode,
          error: failed?.ErrorMessage,
        });
      }
    } catch (error) {
      this.log.warn('verdict event not put', {
        ...context,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
