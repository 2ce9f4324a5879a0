import { request } from 'node:http';
import type { ElbState, TargetGroupRecord, TargetRecord } from './elb-state';
import { applyCheck, matcherAccepts, type CheckResult, type TargetHealth } from './target-health';

/**
 * Sends ELBv2-style health checks: a GET of the target group's path to every registered target each
 * interval, on a fresh connection (the ALB closes health check connections), judged by the matcher.
 * One scheduler for all targets: a short tick starts the checks that are due, so no timer per target.
 */

export interface HealthCheckerOptions {
  now?: () => number;
  tickMs?: number;
  onChange?: (group: TargetGroupRecord, target: TargetRecord, before: TargetHealth) => void;
}

export class HealthChecker {
  private timer?: NodeJS.Timeout;
  private readonly pending = new Set<Promise<void>>();
  private readonly now: () => number;

  constructor(
    private readonly state: ElbState,
    private readonly options: HealthCheckerOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.options.tickMs ?? 50);
    this.timer.unref();
    this.tick();
  }

  /**
   * Resolves once no target is in its `initial` state any more (each had the checks that decide its first state),
   * or after `timeoutMs` (a target that never answers stays initial that long at most).
   */
  async initialChecksDone(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const pending = () =>
      this.state.allTargetGroups().some((g) => [...g.targets.values()].some((t) => t.health.state === 'initial'));
    while (pending() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.pending]);
  }

  private tick(): void {
    const now = this.now();
    for (const group of this.state.allTargetGroups()) {
      for (const target of [...group.targets.values()]) {
        if (target.health.state === 'draining') {
          this.state.finishDrainingIfIdle(group, target);
          continue;
        }
        if (target.checking || target.nextCheckAt > now) continue;
        target.checking = true;
        target.nextCheckAt = now + group.healthCheck.intervalSeconds * 1000;
        const check = this.check(group, target).finally(() => this.pending.delete(check));
        this.pending.add(check);
      }
    }
  }

  private async check(group: TargetGroupRecord, target: TargetRecord): Promise<void> {
    const result = await probe(
      target,
      group.healthCheck.path,
      group.healthCheck.timeoutSeconds * 1000,
      group.healthCheck.matcher,
    );
    target.checking = false;
    // The target may have been deregistered or its group deleted while the check was on the wire.
    if (!this.state.allTargetGroups().includes(group) || group.targets.get(`${target.id}:${target.port}`) !== target)
      return;
    const before = target.health;
    target.health = applyCheck(before, result, group.healthCheck);
    if (before.state !== target.health.state) this.options.onChange?.(group, target, before);
  }
}

function probe(
  target: { id: string; port: number },
  path: string,
  timeoutMs: number,
  matcher: string,
): Promise<CheckResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: CheckResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = request(
      {
        host: target.id,
        port: target.port,
        path,
        method: 'GET',
        agent: false,
        headers: { 'user-agent': 'ELB-HealthChecker/2.0', connection: 'close' },
      },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        finish(
          matcherAccepts(matcher, status)
            ? { ok: true }
            : {
                ok: false,
                reason: 'Target.ResponseCodeMismatch',
                description: `Health checks failed with these codes: [${status}]`,
              },
        );
      },
    );
    const timer = setTimeout(() => {
      finish({ ok: false, reason: 'Target.Timeout', description: 'Request timed out' });
      req.destroy();
    }, timeoutMs);
    req.on('error', () =>
      finish({ ok: false, reason: 'Target.FailedHealthChecks', description: 'Health checks failed' }),
    );
    req.end();
  });
}
