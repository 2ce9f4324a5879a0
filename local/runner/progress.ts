import { formatScore } from '../../shared/reports/format';
import { isFailingClassification, resultWords, valuesText, type MetricRow } from '../../shared/reports/metric-rows';
import { judgmentRows, stepCause, type ServedCounts } from '../../shared/reports/outcome-sentence';
import { lastJudgment, type RunState } from '../../shared/run-model/run-state';
import type { ExecutionEvent } from './execute';

/**
 * Live progress of a run, one line per thing an operator cares about, read from the execution's event log
 * (the states' outputs are the RunStates). Pure formatting: where the lines go is the caller's business.
 */

export type ServedRequests = Record<'baseline' | 'canary' | 'production', ServedCounts>;

export interface ProgressOptions {
  write: (line: string) => void;
  /** Requests each target group served since `since` (the local router knows; on AWS there is none). */
  served?: (state: RunState, since: Date) => ServedRequests | undefined;
  /** Clock for elapsed times. */
  now?: () => number;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

function describeRun(s: RunState): string {
  const weights = s.input.steps.map((step) => `${step.weight}%`).join(' → ');
  const total = s.input.steps.reduce((sum, step) => sum + step.durationSeconds, 0);
  const flags = [
    s.input.dryRun ? 'dry run' : '',
    s.input.approval === 'before-promote' ? 'approval before promote' : '',
  ]
    .filter(Boolean)
    .join(', ');
  return (
    `run ${s.runId}: ${s.input.service} ${s.input.baseline.version} → ${s.input.canary.version} on ${s.input.target}; ` +
    `${s.input.steps.length} steps (${weights} each to baseline and canary, ${total}s of traffic)${flags ? `; ${flags}` : ''}`
  );
}

function servedLine(served: ServedRequests): string {
  const part = (name: string, v: ServedCounts) => `${name} ${v.requests}${v.errors > 0 ? ` (${v.errors} 5xx)` : ''}`;
  return `requests: ${part('baseline', served.baseline)} · ${part('canary', served.canary)} · ${part('production', served.production)}`;
}

const ACTION_WORDS = {
  continue: 'continue',
  wait: 'keep watching',
  promote: 'promote',
  rollback: 'roll back',
} as const;

function metricIcon(row: MetricRow): string {
  if (isFailingClassification(row.classification)) return '✗';
  return row.classification === 'Pass' ? '✓' : '·';
}

/**
 * One line per metric: its result in words and its values in their unit. The judge's full reason only where the
 * words alone do not say enough (not judged, no data, an error); the report has every reason.
 */
const metricLabel = (row: MetricRow) => `${row.name}${row.critical ? ' (critical)' : ''}${row.muted ? ' (muted)' : ''}`;

function metricLine(row: MetricRow, nameWidth: number): string {
  const name = metricLabel(row).padEnd(nameWidth);
  const plain = row.classification === 'Pass' || row.classification === 'High' || row.classification === 'Low';
  const words = plain || !row.reason ? resultWords(row) : `${resultWords(row)}: ${row.reason}`;
  const values = valuesText(row);
  return `${metricIcon(row)} ${name}  ${words}${values ? ` · ${values}` : ''}`;
}

function judgmentLines(s: RunState, served: ServedRequests | undefined): string[] {
  const j = lastJudgment(s);
  if (!j) return [];
  // a decision before the step's last look (a proven failure) names that look, so the line says how early it came
  const early = j.look && j.look.number < j.look.of ? `look ${j.look.number}/${j.look.of} of ` : '';
  const lines = [
    `  judged ${early}step ${j.step}/${s.input.steps.length}: score ${formatScore(j.score)}/100 → ${ACTION_WORDS[j.action]}: ${stepCause(s, j)}`,
  ];
  if (served) lines.push(`    ${servedLine(served)}`);
  const rows = judgmentRows(s, j);
  const width = Math.max(...rows.map((r) => metricLabel(r).length));
  for (const row of rows) lines.push(`    ${metricLine(row, width)}`);
  return lines;
}

/** "look 3/10 of step 1/4: score 100/100, keep watching; not judged yet: latency-p99" */
function lookLine(s: RunState): string {
  const step = s.step;
  const where = step
    ? `look ${step.look ?? 0}/${step.looks ?? 1} of step ${step.index + 1}/${s.input.steps.length}`
    : 'look';
  const j = lastJudgment(s);
  const judgedNow = j && step && j.step === step.index + 1 && j.look?.number === step.look;
  if (!judgedNow) return `${where}: ${s.decision?.reason ?? ''}`;
  const notYet = /; not judged yet: (.*)$/.exec(s.decision?.reason ?? '')?.[1];
  return `${where}: score ${formatScore(j.score)}/100, keep watching${notYet ? `; not judged yet: ${notYet}` : ''}`;
}

export function createProgressPrinter(options: ProgressOptions): (event: ExecutionEvent) => void {
  const now = options.now ?? Date.now;
  const started = now();
  let lastHealthDetail = '';
  const at = () => `[${seconds(now() - started).padStart(6)}]`;
  const say = (line: string) => options.write(`${at()} ${line}`);

  const exited: Record<string, (s: RunState) => void> = {
    Validate: (s) => say(describeRun(s)),
    Provision: (s) =>
      say(
        `provisioned baseline ${s.resources.baseline?.version} (${s.resources.baseline?.instanceIds.length} instance(s)) and ` +
          `canary ${s.resources.canary?.version} (${s.resources.canary?.instanceIds.length}); waiting for health`,
      ),
    CheckHealth: (s) => {
      const h = s.health;
      if (!h) return;
      if (h.status === 'healthy') say(`healthy after ${h.attempts} check(s)`);
      else if (h.status === 'unhealthy') say(`NOT healthy: ${h.detail ?? ''}`);
      else if (h.detail !== lastHealthDetail) say(`  health check ${h.attempts}: ${h.detail ?? 'pending'}`);
      lastHealthDetail = h.detail ?? '';
    },
    ShiftWeight: (s) => {
      if (!s.step) return;
      const w = s.step.weight;
      say(
        `step ${s.step.index + 1}/${s.input.steps.length}: canary ${w}% · baseline ${w}% · production ${100 - 2 * w}% ` +
          `for ${s.input.steps[s.step.index].durationSeconds}s` +
          (s.step.looks && s.step.looks > 1
            ? ` (${s.step.looks} looks, every ${s.input.judgment.checkIntervalSeconds}s)`
            : ''),
      );
    },
    Judge: (s) => {
      // a look before the step's end that decides nothing gets one line; the step's end and any decision the full story
      if (s.decision?.action === 'wait') {
        say(`  ${lookLine(s)}`);
        return;
      }
      const since = s.step ? new Date(s.step.appliedAt) : new Date(s.startedAt);
      for (const line of judgmentLines(s, options.served?.(s, since))) say(line);
    },
    Promote: (s) => say(`promoted: ${s.outcome?.reason ?? ''}`),
    // The why follows once, in the run's summary line.
    Rollback: () => say('rolled back: all traffic back on production'),
    Teardown: (s) =>
      say(
        `torn down: traffic 100% production${s.teardown ? `, removed ${s.teardown.removed.length} resource(s)` : ''}` +
          (s.teardown?.alreadyGone.length ? `, ${s.teardown.alreadyGone.length} already gone` : ''),
      ),
    Notify: (s) => say(`report: ${s.outcome?.reportUrl ?? s.outcome?.reportKey ?? '(none)'}`),
  };

  // A caught failure exits its state too, its output being the state's input plus the error (for Validate the
  // raw run input, not a RunState): the StateFailed line has already said what happened.
  let caught = '';
  return (event) => {
    const name = event.state?.name ?? '';
    if (event.type === 'StateCaught') caught = name;
    if (event.type === 'StateExited' && caught === name) {
      caught = '';
    } else if (event.type === 'StateExited' && exited[name]) {
      exited[name](event.state?.output as RunState);
    } else if (event.type === 'StateEntered' && name === 'AwaitApproval') {
      say('waiting for approval before promoting');
    } else if (event.type === 'StateRetried') {
      say(`  retrying ${name}`);
    } else if (event.type === 'StateFailed' && event.state?.type !== 'Fail') {
      say(`  ${name} failed: ${event.Error ?? ''} ${typeof event.Cause === 'string' ? event.Cause : ''}`.trimEnd());
    }
  };
}
