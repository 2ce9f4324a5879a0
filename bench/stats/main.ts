import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Command, InvalidArgumentError } from 'commander';
import { mergeCells, type Cell } from './harness';
import { judgmentConfidences, renderReport, renderSmallSamples, summaryJson } from './report';
import { renderLimits } from './limits';
import { compareMeanTests, renderMeanTests } from './mean-tests';
import { smallSampleRates } from './small-samples';
import { buildSetup, type SetupIds } from './setup';
import type { WorkerMessage, WorkerTask } from './worker';

/**
 * `npm run bench:stats`: simulates thousands of seeded canary runs per scenario, judges them with the real judge
 * and decision rule, and prints false-rollback and detection rates. The last line is one JSON object.
 */

const SMALL_SAMPLE_SIZES = [2, 3, 4, 5, 6, 8, 10];
/** The profiles with a time-to-rollback target for mean latency (issue 9). */
const MEAN_TEST_PROFILES = ['cw-5pct', 'prom-ramp'];

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
};
const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const program = new Command()
  .name('bench:stats')
  .description('False rollbacks and missed regressions of the judge over simulated runs')
  .option('-r, --repetitions <n>', 'runs per (profile, scenario, policy); fewer on costly profiles', positiveInt, 2000)
  .option('-s, --seed <n>', 'seed of the first repetition (repetition r uses seed + r)', positiveInt, 1)
  .option('-w, --workers <n>', 'worker threads', positiveInt, Math.min(2, availableParallelism()))
  .option('--profiles <ids>', 'comma-separated run profiles (default: all)', list)
  .option('--scenarios <ids>', 'comma-separated scenarios (default: all)', list)
  .option('--policies <ids>', 'comma-separated policies (default: all)', list)
  .option(
    '--small-sample-repetitions <n>',
    'A/A comparisons per cell of the small-sample table (0: skip)',
    Number,
    10000,
  )
  .option(
    '--mean-test-repetitions <n>',
    'runs per profile of the mean-latency test comparison (cw-5pct, prom-ramp; 0: skip)',
    Number,
    2000,
  )
  .option('--quiet', 'no progress output on stderr');

function runWorker(task: WorkerTask, onRepetition: () => void): Promise<Cell[]> {
  return new Promise((resolve, reject) => {
    // The worker is TypeScript too: it inherits this process's execArgv (ts-node's register hook).
    const worker = new Worker(path.join(__dirname, `worker${path.extname(__filename)}`), { workerData: task });
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'repetition') onRepetition();
      else resolve(message.cells);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`worker exited with code ${code}`)));
  });
}

/** A line on stderr at most every 10 s: repetitions done, elapsed and a linear estimate of the time left. */
function progressReporter(total: number, started: number, quiet: boolean): () => void {
  let done = 0;
  let last = started;
  return () => {
    done += 1;
    const now = Date.now();
    if (quiet || (now - last < 10_000 && done < total)) return;
    last = now;
    const elapsed = (now - started) / 1000;
    const left = (elapsed / done) * (total - done);
    process.stderr.write(
      `bench:stats: ${done}/${total} repetitions, ${minutes(elapsed)} elapsed, about ${minutes(left)} left\n`,
    );
  };
}

const minutes = (seconds: number) => `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;

async function main(): Promise<void> {
  program.parse();
  const opts = program.opts<{
    repetitions: number;
    seed: number;
    workers: number;
    profiles?: string[];
    scenarios?: string[];
    policies?: string[];
    smallSampleRepetitions: number;
    meanTestRepetitions: number;
    quiet?: boolean;
  }>();
  const ids: SetupIds = { profiles: opts.profiles, scenarios: opts.scenarios, policies: opts.policies };
  const setup = buildSetup(ids);
  const started = Date.now();
  const chunks = Math.min(opts.workers, opts.repetitions);
  const bounds = Array.from({ length: chunks + 1 }, (_, i) => Math.round((i * opts.repetitions) / chunks));
  if (!opts.quiet) {
    const cells = setup.profiles.reduce((n, p) => n + setup.scenarios.length * setup.policiesFor(p).length, 0);
    process.stderr.write(
      `bench:stats: ${opts.repetitions} repetitions × ${cells} cells on ${chunks} worker(s), seed ${opts.seed}...\n`,
    );
  }
  const progress = progressReporter(opts.repetitions, started, opts.quiet === true);
  const parts = await Promise.all(
    bounds.slice(0, -1).map((from, i) => runWorker({ ids, seed: opts.seed, from, to: bounds[i + 1] }, progress)),
  );
  const input = { cells: mergeCells(parts), setup, repetitions: opts.repetitions, seed: opts.seed };
  console.log(renderReport(input));
  const defaults = setup.policies.find((p) => p.id === 'default') ?? setup.policies[0];
  console.log(`\n${renderLimits(setup.profiles, setup.service, defaults)}`);
  const meanTestProfiles = setup.profiles.filter((p) => MEAN_TEST_PROFILES.includes(p.id));
  if (opts.meanTestRepetitions > 0 && meanTestProfiles.length > 0) {
    const rows = compareMeanTests(meanTestProfiles, setup.service, defaults, opts.meanTestRepetitions, opts.seed);
    console.log(`\n${renderMeanTests(rows)}`);
  }
  if (opts.smallSampleRepetitions > 0) {
    const levels = [0.98, Math.max(...judgmentConfidences(defaults, setup.profiles[0]))];
    const rows = smallSampleRates(SMALL_SAMPLE_SIZES, levels, opts.smallSampleRepetitions, opts.seed);
    console.log(`\n${renderSmallSamples(rows)}`);
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`\nelapsed ${seconds.toFixed(1)} s on ${chunks} worker(s)`);
  console.log(JSON.stringify({ ...summaryJson(input), elapsedSeconds: seconds }));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
