/**
 * How often the `errors-x2` demo (`npm start -- --scenario errors-x2`: baseline 1 % 5xx, canary 2 %) is rolled back,
 * by load: its run config's steps, looks and error-rate-5xx preset judged by the real looks (`judgeRun`) on seeded
 * simulated counts (1-second periods, Poisson traffic split by the router's weights, Bernoulli errors, no bursts:
 * the sample service has none). Repeat: npx ts-node --transpile-only bench/stats/demo-errors-power.ts [runs] [rps...]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { prepareInput } from '../../local/runner/run-workflow';
import { canaryConfigSchema } from '../../shared/judge/canary-config';
import { judgeRun, type Policy } from './judge-run';
import { simulateRunSeries } from './series';
import { DEFAULT_SERVICE, type RunProfile, type ServiceModel } from './world';

const runs = Number(process.argv[2] ?? 2000);
const loads = process.argv.length > 3 ? process.argv.slice(3).map(Number) : [150, 600, 800];

const example = JSON.parse(readFileSync(path.join(__dirname, '../../examples/local-errors-x2.json'), 'utf8'));
const { input } = prepareInput({ input: example });
const errors = input.canaryConfig.metrics.find((m) => m.preset === 'error-rate-5xx');
if (!errors) throw new Error('examples/local-errors-x2.json has no error-rate-5xx metric');
const source = input.metricsSource;
if (source.type !== 'local') throw new Error('examples/local-errors-x2.json is a local run');

// The demo's other metrics compare two identical versions; the error metric (critical) decides a rollback alone.
const policy: Policy = {
  id: 'errors-x2-demo',
  label: 'the errors-x2 demo',
  canaryConfig: canaryConfigSchema.parse({
    name: 'errors-x2-demo',
    metrics: [{ ...errors, name: 'error-rate' }],
    classifier: { groupWeights: { [errors.groups[0]]: 100 } },
  }),
  thresholds: input.thresholds,
  analysis: input.analysis,
  mode: input.judgment.mode,
  looks: 'every-check',
  countTest: input.judgment.countTest,
  countFinalShare: input.judgment.countFinalShare,
};

const profile: RunProfile = {
  id: 'errors-x2-demo',
  label: 'the errors-x2 demo',
  source: 'cloudwatch',
  steps: input.steps,
  periodSeconds: source.periodSeconds,
  delaySeconds: source.delaySeconds,
  checkIntervalSeconds: input.judgment.checkIntervalSeconds,
  instancesPerVersion: 1,
  everyNth: 1,
};

const envRate = (side: 'baseline' | 'canary') => Number(input[side].local?.env?.ERROR_RATE ?? 0);
const baseRate = envRate('baseline');
const factor = envRate('canary') / baseRate;

for (const rps of loads) {
  const service: ServiceModel = {
    ...DEFAULT_SERVICE,
    requestsPerSecond: rps,
    errorRate: baseRate,
    errorBurst: { sd: 0, timeConstantSeconds: 1 },
    trafficLevel: { sd: 0, timeConstantSeconds: 1 },
  };
  const seconds: number[] = [];
  for (let seed = 1; seed <= runs; seed++) {
    const series = simulateRunSeries(seed, profile, service, { errorRateFactor: factor });
    const verdict = judgeRun(series, profile, policy, service);
    if (verdict.action === 'rollback') seconds.push(verdict.minutes * 60);
  }
  seconds.sort((a, b) => a - b);
  const median = seconds.length > runs / 2 ? seconds[Math.floor(runs / 2)] : null;
  console.log(
    JSON.stringify({
      rps,
      runs,
      rolledBack: seconds.length / runs,
      medianSecondsToRollback: median,
    }),
  );
}
