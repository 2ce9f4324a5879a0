import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FAULTS, type Fault, type FaultArea } from './catalog';

/**
 * docs/faults.md, "Faults and what happens", rendered from the fault catalogue (and formatted as the
 * repository's prettier check wants it). Regenerate after changing catalog.ts:
 *
 *   npx ts-node --transpile-only test/faults/faults-doc.ts
 */

export const FAULTS_DOC = path.resolve(__dirname, '../../docs/faults.md');
export const REGENERATE = 'npx ts-node --transpile-only test/faults/faults-doc.ts';

const SECTIONS: { area: FaultArea; title: string; intro: string }[] = [
  {
    area: 'local run',
    title: 'Local runs',
    intro:
      '`canary-judge run` as a child process with the sample service as both versions; the local router is read ' +
      "back before it stops (the final JSON's `routerAfterRun`), the sample-service processes are counted after.",
  },
  {
    area: 'AWS run',
    title: 'AWS runs',
    intro:
      '`canary-judge run --target aws` against moto (the real AWS adapters over HTTP); the listener, its rules, ' +
      "the run's instances and target groups, the launch template's versions and the report bucket are read back.",
  },
  {
    area: 'command line',
    title: 'Bad input on the command line',
    intro: 'Refused before anything starts: no router, no process, no report.',
  },
  {
    area: 'run API',
    title: 'The run API',
    intro:
      'The deployed webhook function against moto\'s Step Functions and Secrets Manager; the "exit" column is ' +
      "the HTTP status, the reason is the answer's `message`.",
  },
  {
    area: 'workflow step',
    title: 'One workflow step or adapter',
    intro:
      'Faults provoked on the step or adapter where they were fixed (ELBv2 on moto, the local router, the judge), ' +
      'in the test the row names: no process exits there (the outcome says what a run does), and no Notify runs.',
  },
];

const cell = (text: string) => text.replace(/\|/g, '\\|');
const code = (text: string) => (text ? `\`${cell(text)}\`` : '—');
const yes = (value: boolean | null) => (value === null ? '—' : value ? 'yes' : 'no');

/** The row's tests: those it names, or the files of test/faults/ that name its id. */
function testsOf(f: Fault): string[] {
  if (f.tests) return f.tests;
  return readdirSync(__dirname)
    .filter(
      (name) => name.endsWith('.test.ts') && readFileSync(path.join(__dirname, name), 'utf8').includes(`'${f.id}'`),
    )
    .map((name) => `test/faults/${name}`);
}

function table(rows: readonly Fault[]): string {
  const lines = [
    '| fault | provoked by | exit | outcome | reason contains | report | Slack | fixed in | test |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (f) =>
        `| ${cell(f.fault)} | ${cell(f.provoked)} | ${f.exit ?? '—'} | ${cell(f.outcome)} | ${code(f.reason)} | ` +
        `${yes(f.report)} | ${yes(f.notification)} | ${f.fixed ?? '—'} | ${testsOf(f).map(code).join(', ')} |`,
    ),
  ];
  return lines.join('\n');
}

/** The markdown as `prettier --check` wants it (its CLI: the API needs ES modules, which jest does not load). */
function prettierMarkdown(text: string): string {
  const prettier = require.resolve('prettier/bin/prettier.cjs');
  const out = spawnSync(process.execPath, [prettier, '--stdin-filepath', FAULTS_DOC], {
    input: text,
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(`prettier failed: ${out.stderr}`);
  return out.stdout;
}

export function renderFaultsDoc(faults: readonly Fault[] = FAULTS): string {
  const parts = [
    '# Faults and what happens',
    `<!-- Generated from test/faults/catalog.ts: ${REGENERATE} (test/faults/catalog.test.ts fails when they differ). -->`,
    'What canary-judge does when something goes wrong during a canary run, each row provoked by a test of the ' +
      "fault matrix (the row's id names its test, listed in the last column). Besides what a row says, every " +
      'test of a run asserts what must hold after any fault: traffic back to 100 % production, no process, target ' +
      'group, listener rule, instance or launch template version of the run left, and no stack trace on the terminal.',
    'Exit codes of `canary-judge run`: 0 promoted, 1 rolled back, 2 the run could not finish cleanly (e.g. the ' +
      'listener is busy) or could not judge the canary (verdict inconclusive), 3 bad input (the message names the field), 4 internal error, 128 + the signal when ' +
      'interrupted (130 SIGINT, 143 SIGTERM, 129 SIGHUP), after the run was torn down and reported. A second ' +
      'signal exits after at most 10 s of teardown.',
    ...SECTIONS.flatMap(({ area, title, intro }) => [
      `## ${title}`,
      intro,
      table(faults.filter((f) => f.area === area)),
    ]),
    '## Running the matrix',
    '`npx jest test/faults --maxWorkers=1` runs the rows tested in `test/faults/`; the files named ' +
      '`*.slow.test.ts` run whole canary runs (seconds each, with the e2e project), the others only start the CLI ' +
      'or call the API (with the integration project). A row first tested where it was fixed names its test in ' +
      'the "test" column, and that test names the row.',
  ];
  return prettierMarkdown(`${parts.join('\n\n')}\n`);
}

if (require.main === module) writeFileSync(FAULTS_DOC, renderFaultsDoc());
