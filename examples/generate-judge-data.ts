/**
 * Writes examples/judge-data.json: ten minutes of 10-second periods for baseline and canary, from the seeded
 * metric generators of bench/stats (same seed, same file). The canary takes a slow dependency path three times as
 * often as the baseline: p99 latency regresses a lot, mean latency a little, errors and CPU do not change.
 *
 *   npx ts-node examples/generate-judge-data.ts && npx prettier --write examples/judge-data.json
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { poisson } from '../bench/stats/distributions';
import { cpuSeries } from '../bench/stats/generators/cpu';
import { errorSeries } from '../bench/stats/generators/errors';
import { latencySeries, type LatencyModel, type SlowPath } from '../bench/stats/generators/latency';
import { createRng } from '../bench/stats/rng';

const SEED = 20250401;
const PERIODS = 60;
const PERIOD_SECONDS = 10;
const INSTANCES = 2;
/** Each version gets 10% of a 200 requests/s listener. */
const REQUESTS_PER_SECOND = 20;

const latency: LatencyModel = { medianSeconds: 0.08, sigma: 0.5, instanceSd: 0.05 };
const slowPath: Record<'baseline' | 'canary', SlowPath> = {
  baseline: { fraction: 0.005, extraSeconds: 0.4 },
  canary: { fraction: 0.015, extraSeconds: 0.4 },
};
const cpu = {
  idle: 0.12,
  perRequestPerSecond: 0.02,
  instanceSd: 0.05,
  noise: { sd: 0.08, timeConstantSeconds: 60 },
};

/** JSON has no NaN: a period without a datapoint is null. */
const round = (values: number[], digits: number) =>
  values.map((v) => (Number.isNaN(v) ? null : Number(v.toFixed(digits))));

function version(role: 'baseline' | 'canary', stream: number) {
  const rng = createRng(SEED, stream);
  const requests = Array.from({ length: PERIODS }, () => poisson(rng, REQUESTS_PER_SECOND * PERIOD_SECONDS));
  const shifts = new Array<number>(PERIODS).fill(0);
  const input = { requests, logShift: shifts, instances: INSTANCES, slowPath: slowPath[role] };
  const p99 = latencySeries(rng, latency, { ...input, quantile: 0.99 }).quantile;
  const mean = latencySeries(rng, latency, { ...input, quantile: 0.5 }).average;
  // CloudWatch reports no 5xx datapoint for a period without errors
  const errors = errorSeries(
    rng,
    requests,
    requests.map(() => 0.002),
  ).count.map((c) => (c === 0 ? NaN : c));
  const load = requests.map((n) => n / PERIOD_SECONDS / INSTANCES);
  const cpuPercent = cpuSeries(rng, cpu, PERIOD_SECONDS, load, INSTANCES);
  return {
    'latency-p99': round(p99, 4),
    'latency-mean': round(mean, 5),
    'errors-5xx': round(errors, 0),
    cpu: round(cpuPercent, 2),
  };
}

const baseline = version('baseline', 1);
const canary = version('canary', 2);
// a cron job on a baseline instance: one CPU spike that the cpu metric's outlier removal takes out
baseline.cpu[41] = 96.5;

const data = Object.fromEntries(
  Object.keys(baseline).map((name) => {
    const key = name as keyof typeof baseline;
    return [name, { baseline: baseline[key], canary: canary[key] }];
  }),
);
const target = resolve(__dirname, 'judge-data.json');
writeFileSync(target, `${JSON.stringify(data, null, 2)}\n`);
console.log(`wrote ${target}`);
