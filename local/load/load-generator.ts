import { Agent, request } from 'node:http';
import { percentile } from '../router/metric-data';
import { TARGET_GROUP_HEADER } from '../router/proxy';

/**
 * An open-loop HTTP load generator: request k is due at start + k/rps, whatever happened to earlier ones,
 * so a slow service does not lower the offered load. At most `concurrency` requests are in flight; a due
 * request that finds the cap reached is skipped and counted (not queued), so the rate bound always holds
 * and the report says how much load was not offered. Stops by itself after `durationSeconds`.
 */

export interface LoadOptions {
  url: string;
  rps: number;
  durationSeconds: number;
  concurrency?: number;
  timeoutMs?: number;
  method?: string;
  headers?: Record<string, string>;
}

export interface LoadStats {
  elapsedMs: number;
  /** Requests the schedule has asked for so far. */
  due: number;
  sent: number;
  completed: number;
  inFlight: number;
  /** Due while `concurrency` requests were in flight: not sent. */
  skipped: number;
  /** No HTTP answer (refused, reset, timed out). */
  networkErrors: number;
  byStatus: Record<string, number>;
  /** From the router's x-canary-judge-target-group header; "(none)" without it. */
  byTargetGroup: Record<string, number>;
  latencyMs: { count: number; mean: number; p50: number; p90: number; p99: number; max: number };
  done: boolean;
}

const MAX_KEPT_LATENCIES = 20_000;

export class LoadGenerator {
  private readonly options: Required<Omit<LoadOptions, 'headers'>> & { headers: Record<string, string> };
  private readonly total: number;
  private readonly agent: Agent;
  private readonly latencies: number[] = [];
  private latencyCount = 0;
  private latencySum = 0;
  private latencyMax = 0;
  private startedAt = 0;
  private timer?: NodeJS.Timeout;
  private finished?: Promise<LoadStats>;
  private resolveFinished?: (stats: LoadStats) => void;
  private stopped = false;
  private readonly counters = { due: 0, sent: 0, completed: 0, inFlight: 0, skipped: 0, networkErrors: 0 };
  private readonly byStatus: Record<string, number> = {};
  private readonly byTargetGroup: Record<string, number> = {};

  constructor(options: LoadOptions) {
    if (!(options.rps > 0)) throw new Error('rps must be > 0');
    if (!(options.durationSeconds > 0)) throw new Error('durationSeconds must be > 0');
    const concurrency = options.concurrency ?? 64;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('concurrency must be a whole number >= 1');
    if (!URL.canParse(options.url)) throw new Error(`url is not a URL: ${options.url}`);
    this.options = { concurrency, timeoutMs: 10_000, method: 'GET', headers: {}, ...options };
    this.total = Math.round(options.rps * options.durationSeconds);
    this.agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  }

  /** Starts (once) and resolves with the final stats when every due request has finished. */
  run(): Promise<LoadStats> {
    if (!this.finished) {
      this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
      this.startedAt = Date.now();
      this.schedule();
    }
    return this.finished;
  }

  /** Stop issuing; in-flight requests still finish. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.maybeFinish();
  }

  stats(): LoadStats {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const pick = (p: number): number => (sorted.length > 0 ? percentile(sorted, p) : 0);
    return {
      elapsedMs: this.startedAt ? Date.now() - this.startedAt : 0,
      ...this.counters,
      byStatus: { ...this.byStatus },
      byTargetGroup: { ...this.byTargetGroup },
      latencyMs: {
        count: this.latencyCount,
        mean: this.latencyCount > 0 ? this.latencySum / this.latencyCount : 0,
        p50: pick(50),
        p90: pick(90),
        p99: pick(99),
        max: this.latencyMax,
      },
      done: this.isDone(),
    };
  }

  private schedule(): void {
    if (this.stopped) return;
    const elapsed = Date.now() - this.startedAt;
    const due = Math.min(this.total, Math.floor((elapsed * this.options.rps) / 1000) + 1);
    while (this.counters.due < due) {
      this.counters.due += 1;
      if (this.counters.inFlight >= this.options.concurrency) this.counters.skipped += 1;
      else this.send();
    }
    if (this.counters.due >= this.total) {
      this.stopped = true;
      this.maybeFinish();
      return;
    }
    const nextAt = this.startedAt + (this.counters.due * 1000) / this.options.rps;
    this.timer = setTimeout(() => this.schedule(), Math.max(0, nextAt - Date.now()));
  }

  private send(): void {
    this.counters.sent += 1;
    this.counters.inFlight += 1;
    const started = process.hrtime.bigint();
    let settled = false;
    const settle = (status: string, targetGroup: string | undefined): void => {
      if (settled) return;
      settled = true;
      this.counters.inFlight -= 1;
      this.counters.completed += 1;
      this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
      if (status === 'error') this.counters.networkErrors += 1;
      else {
        const group = targetGroup ?? '(none)';
        this.byTargetGroup[group] = (this.byTargetGroup[group] ?? 0) + 1;
        this.recordLatency(Number(process.hrtime.bigint() - started) / 1e6);
      }
      this.maybeFinish();
    };
    const req = request(this.options.url, {
      method: this.options.method,
      headers: this.options.headers,
      agent: this.agent,
      timeout: this.options.timeoutMs,
    });
    req.on('response', (res) => {
      const group = res.headers[TARGET_GROUP_HEADER];
      res.resume();
      res.on('end', () => settle(String(res.statusCode ?? 0), typeof group === 'string' ? group : undefined));
      res.on('error', () => settle('error', undefined));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => settle('error', undefined));
    req.end();
  }

  private recordLatency(ms: number): void {
    this.latencyCount += 1;
    this.latencySum += ms;
    this.latencyMax = Math.max(this.latencyMax, ms);
    if (this.latencies.length < MAX_KEPT_LATENCIES) this.latencies.push(ms);
    else {
      // Reservoir: every latency has the same chance to be among those the percentiles use.
      const slot = Math.floor(Math.random() * this.latencyCount);
      if (slot < MAX_KEPT_LATENCIES) this.latencies[slot] = ms;
    }
  }

  private isDone(): boolean {
    return this.stopped && this.counters.inFlight === 0;
  }

  private maybeFinish(): void {
    if (!this.isDone() || !this.resolveFinished) return;
    const resolve = this.resolveFinished;
    this.resolveFinished = undefined;
    this.agent.destroy();
    resolve(this.stats());
  }
}

/** Run a load to the end, calling `onProgress` every `progressIntervalMs` with live stats. */
export async function runLoad(
  options: LoadOptions,
  progress: { onProgress?: (stats: LoadStats) => void; progressIntervalMs?: number } = {},
): Promise<LoadStats> {
  const generator = new LoadGenerator(options);
  const ticker = progress.onProgress
    ? setInterval(() => progress.onProgress?.(generator.stats()), progress.progressIntervalMs ?? 1000)
    : undefined;
  try {
    return await generator.run();
  } finally {
    if (ticker) clearInterval(ticker);
  }
}

/** One progress line, e.g. "12.0s sent 1200 (skipped 0) 200:1180 500:20 | production 960 baseline 120 canary 120 | p99 48.1 ms". */
export function formatProgress(stats: LoadStats): string {
  const statuses = Object.entries(stats.byStatus)
    .sort()
    .map(([s, n]) => `${s}:${n}`)
    .join(' ');
  const groups = Object.entries(stats.byTargetGroup)
    .sort()
    .map(([g, n]) => `${g} ${n}`)
    .join(' ');
  return `${(stats.elapsedMs / 1000).toFixed(1)}s sent ${stats.sent} (skipped ${stats.skipped}) ${statuses} | ${groups} | p50 ${stats.latencyMs.p50.toFixed(1)} ms p99 ${stats.latencyMs.p99.toFixed(1)} ms`;
}
