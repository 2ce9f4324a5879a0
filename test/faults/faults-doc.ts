import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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
];

const cell = (text: string) => text.replace(/\|/g, '\\|');
const code = (text: string) => (text ? `\`${cell(text)}\`` : '—');
const yes = (value: boolean) => (value ? 'yes' : 'no');

function table(rows: readonly Fault[]): string {
  const lines = [
    '| fault | provoked by | exit | outcome | reason contains | report | Slack | fixed in |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (f) =>
        `| ${cell(f.fault)} | ${cell(f.provoked)} | ${f.exit} | ${cell(f.outcome)} | ${code(f.reason)} | ` +
        `${yes(f.report)} | ${yes(f.notification)} | ${f.fixed ?? '—'} |`,
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
      "fault matrix in `test/faults/` (the row's id names its test). Besides what a row says, every test asserts " +
      'what must hold after any fault: traffic back to 100 % production, no process, target group, listener rule, ' +
      'instance or launch template version of the run left, and no stack trace on the terminal.',
    'Exit codes of `canary-judge run`: 0 promoted, 1 rolled back, 2 the run could not finish cleanly (e.g. the ' +
      'listener is busy), 3 bad input (the message names the field), 4 internal error, 128 + the signal when ' +
      'interrupted (130 SIGINT, 143 SIGTERM, 129 SIGHUP), after the run was torn down and reported. A second ' +
      'signal exits after at most 10 s of teardown.',
    ...SECTIONS.flatMap(({ area, title, intro }) => [
      `## ${title}`,
      intro,
      table(faults.filter((f) => f.area === area)),
    ]),
    '## Running the matrix',
    '`npx jest test/faults --maxWorkers=1` runs every row; the files named `*.slow.test.ts` run whole canary ' +
      'runs (seconds each), the others only start the CLI or call the API.',
  ];
  return prettierMarkdown(`${parts.join('\n\n')}\n`);
}

if (require.main === module) writeFileSync(FAULTS_DOC, renderFaultsDoc());
