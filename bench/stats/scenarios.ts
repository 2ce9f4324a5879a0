import type { SlowPath } from './generators/latency';

/** What differs between canary and baseline in one simulated run. Everything else is shared or independent noise. */
export interface CanaryEffect {
  /** Multiplies every canary request's latency (mean, median and p99 move together). */
  latencyFactor?: number;
  /** A fixed delay on a small share of canary requests: p99 moves, the mean barely. */
  slowPath?: SlowPath;
  /** Multiplies the canary's 5xx probability. */
  errorRateFactor?: number;
  /** Latency factor reached at the end of the run, growing linearly from 1 at the first request (a leak). */
  leakFactorAtEnd?: number;
}

export interface Scenario {
  id: string;
  label: string;
  /** True when the canary is as good as the baseline: any rollback is a false rollback. */
  null: boolean;
  canary: CanaryEffect;
}

export const SCENARIOS: Scenario[] = [
  { id: 'aa', label: 'A/A (no difference)', null: true, canary: {} },
  { id: 'latency-5pct', label: 'latency +5 %', null: false, canary: { latencyFactor: 1.05 } },
  { id: 'latency-10pct', label: 'latency +10 %', null: false, canary: { latencyFactor: 1.1 } },
  { id: 'latency-25pct', label: 'latency +25 %', null: false, canary: { latencyFactor: 1.25 } },
  {
    id: 'p99-tail',
    label: 'tail: 1 % of requests +0.5 s',
    null: false,
    canary: { slowPath: { fraction: 0.01, extraSeconds: 0.5 } },
  },
  { id: 'errors-x1.5', label: '5xx rate ×1.5', null: false, canary: { errorRateFactor: 1.5 } },
  { id: 'errors-x2', label: '5xx rate ×2', null: false, canary: { errorRateFactor: 2 } },
  { id: 'errors-x5', label: '5xx rate ×5', null: false, canary: { errorRateFactor: 5 } },
  { id: 'leak', label: 'slow leak: latency +0 → +30 % over the run', null: false, canary: { leakFactorAtEnd: 1.3 } },
];

export function scenarioById(id: string): Scenario {
  const found = SCENARIOS.find((s) => s.id === id);
  if (!found) throw new RangeError(`unknown scenario "${id}" (known: ${SCENARIOS.map((s) => s.id).join(', ')})`);
  return found;
}
