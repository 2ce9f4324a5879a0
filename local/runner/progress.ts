import type { RunState } from '../../shared/run/run-state';
import type { ExecutionEvent } from './execute';

/**
 * Live progress of a run, one line per thing an operator cares about, read from the execution's event log
 * (the states' outputs are the RunStates). Pure formatting: where the lines go is the caller's business.
 */

export interface ServedRequests {
  baseline: { requests: number; errors: number };
  canary: { requests: number; errors: number };
  production: { requests: number; errors: number };
}

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
  const part = (name: string, v: { requests: number; errors: number }) =>
    `${name} ${v.requests}${v.errors > 0 ? ` (${v.errors} 5xx)` : ''}`;
  return `requests: ${part('baseline', served.baseline)} · ${part('canary', served.canary)} · ${part('production', served.production)}`;
}

function judgmentLines(s: RunState, served: ServedRequests | undefined): string[] {
  const j = s.judgments.at(-1);
  if (!j) return [];
  const lines = [
    `  judged step ${j.step}/${s.input.steps.length}: score ${j.score} (${j.verdict}) → ${j.action}: ${j.reason}`,
  ];
  if (served) lines.push(`    ${servedLine(served)}`);
  for (const m of j.metrics) {
    const medians =
      m.baselineMedian != null && m.canaryMedian != null
        ? ` median ${fmt(m.baselineMedian)} → ${fmt(m.canaryMedian)}`
        : '';
    const reason = m.reason && m.classification !== 'Pass' ? ` (${m.reason})` : '';
    lines.push(`    ${m.critical ? '!' : ' '} ${m.name}: ${m.classification}${medians}${reason}`);
  }
  return lines;
}

function fmt(value: number): string {
  return Math.abs(value) >= 100 || value === 0 ? String(Math.round(value)) : value.toPrecision(3);
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
          `for ${s.step.waitSeconds}s`,
      );
    },
    Judge: (s) => {
      const since = s.step ? new Date(s.step.appliedAt) : new Date(s.startedAt);
      for (const line of judgmentLines(s, options.served?.(s, since))) say(line);
    },
    Promote: (s) => say(`promoted: ${s.outcome?.reason ?? ''}`),
    Rollback: (s) => say(`rolled back: ${s.outcome?.reason ?? ''}`),
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
