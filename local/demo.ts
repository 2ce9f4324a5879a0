import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { RunInputRaw } from '../shared/config/run-config';
import { ValidationError } from '../shared/config/validation';
import { handleInterrupts } from './runner/interrupts';
import { DEFAULT_RPS, runWorkflow } from './runner/run-workflow';
import { EXIT, interruptedExitCode, runResultJson, verdictLines, type RunResultJson } from './runner/summary';

/**
 * `npm start`: the whole product on this machine, no AWS. A healthy canary is promoted, then a regressed
 * one is rolled back, each a real run of the workflow: sample-service processes behind the local router,
 * real load, real metrics, the judge, the HTML report. `--scenario` runs one of them.
 */

interface ScenarioSpec {
  file: string;
  expect: 'promote' | 'rollback';
  what: string;
  /** Load in requests per second when not DEFAULT_RPS. */
  rps?: number;
}

const SCENARIOS = {
  healthy: { file: 'local-run.json', expect: 'promote', what: 'the canary is as good as the baseline' },
  latency: { file: 'local-latency.json', expect: 'rollback', what: 'the canary is 50% slower' },
  errors: { file: 'local-errors.json', expect: 'rollback', what: 'the canary answers 20% of requests with 500' },
  crash: { file: 'local-crash.json', expect: 'rollback', what: 'the canary crashes after 100 requests' },
  // A doubled 5xx rate at a realistic base rate takes a couple of hundred errors to prove. Simulated on these steps
  // and looks (bench/stats/demo-errors-power.ts, 2000 seeded runs): at 150 req/s it is proven in 68 % of runs, at
  // 600 and 800 in all, median 40 s into the traffic at 800.
  // +10 % on every request, judged from the requests in the latency histogram's buckets (the latency-histogram
  // preset: PR(:bound) × SampleCount from the router), the mean-latency metric critical.
  'latency-x1.1': {
    file: 'local-latency-x1.1.json',
    expect: 'rollback',
    what: 'the canary is 10% slower; judged from the requests in the latency histogram (latency-histogram)',
  },
  'errors-x2': {
    file: 'local-errors-x2.json',
    expect: 'rollback',
    what: 'baseline 1% 5xx, canary 2% (x2), at 800 req/s; judged by the error-rate-5xx count test',
    rps: 800,
  },
} as const satisfies Record<string, ScenarioSpec>;

type Scenario = keyof typeof SCENARIOS;

const scenarioRps = (scenario: Scenario): number => (SCENARIOS[scenario] as ScenarioSpec).rps ?? DEFAULT_RPS;

/** Width of the scenario column in --help and the summary. */
const NAME_WIDTH = Math.max(...Object.keys(SCENARIOS).map((name) => name.length));

const DEFAULT_SCENARIOS: Scenario[] = ['healthy', 'latency'];

const repoRoot = path.resolve(__dirname, '..', '..');

async function loadScenario(scenario: Scenario): Promise<RunInputRaw> {
  const file = path.join(repoRoot, 'examples', SCENARIOS[scenario].file);
  const input = JSON.parse(await readFile(file, 'utf8')) as RunInputRaw;
  // The examples start dist/local/sample-service/main.js relative to the repository, wherever npm start runs.
  const rooted = (spec: RunInputRaw['baseline']) =>
    spec.local ? { ...spec, local: { cwd: repoRoot, ...spec.local } } : spec;
  return { ...input, baseline: rooted(input.baseline), canary: rooted(input.canary) };
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0');
  return n;
}

interface DemoOptions {
  scenario?: Scenario;
  json?: boolean;
  speed: number;
}

async function main(): Promise<number> {
  const program = new Command('npm start --')
    .description(
      'canary-judge demo: real canary runs on this machine (local router, sample service, load, judge, report).',
    )
    .addOption(
      new Option('--scenario <name>', `run one scenario (default: ${DEFAULT_SCENARIOS.join(' then ')})`).choices(
        Object.keys(SCENARIOS),
      ),
    )
    .option('--json', "print one JSON object with every run's result (progress goes to stderr)")
    .option('--speed <n>', 'run N times faster (fewer samples per judgment)', positive, 1)
    .addHelpText(
      'after',
      `\nScenarios:\n${Object.entries(SCENARIOS)
        .map(([name, s]) => `  ${name.padEnd(NAME_WIDTH)} ${s.what}; expected: ${s.expect}`)
        .join('\n')}\n\nExit code 0 when every run ended as expected.`,
    );
  program.exitOverride();
  try {
    program.parse();
  } catch (error) {
    // --help exits 0; a bad flag is bad input, like in canary-judge.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT.badInput;
    throw error;
  }
  const options = program.opts<DemoOptions>();
  const scenarios = options.scenario ? [options.scenario] : DEFAULT_SCENARIOS;
  const out = (line: string) => (options.json ? process.stderr : process.stdout).write(`${line}\n`);

  const interrupt = handleInterrupts(options.json ? process.stderr : process.stdout);

  const results: (RunResultJson & { scenario: Scenario; expected: string })[] = [];
  for (const scenario of scenarios) {
    if (interrupt.signal.aborted) break;
    out(`\n=== scenario ${scenario}: ${SCENARIOS[scenario].what} (expected: ${SCENARIOS[scenario].expect}) ===`);
    const summary = await runWorkflow({
      input: await loadScenario(scenario),
      target: 'local',
      speed: options.speed,
      rps: scenarioRps(scenario),
      approval: 'reject',
      progress: out,
      signal: interrupt.signal,
    });
    for (const line of verdictLines(summary)) out(line);
    results.push({ scenario, expected: SCENARIOS[scenario].expect, ...runResultJson(summary) });
  }
  if (options.json) process.stdout.write(`${JSON.stringify({ runs: results })}\n`);
  else {
    out('\n=== summary ===');
    for (const r of results) {
      out(
        `${r.scenario.padEnd(NAME_WIDTH)} ${r.decision.padEnd(8)} score ${String(r.score ?? '-').padStart(6)}  ${r.report ?? ''}`,
      );
    }
  }
  interrupt.dispose();
  if (interrupt.signal.aborted) return interruptedExitCode(interrupt.signal.reason as string);
  return results.every((r) => r.decision === r.expected) ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `demo: ${error instanceof ValidationError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = error instanceof ValidationError ? EXIT.badInput : EXIT.runError;
  },
);
