import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { RunInputRaw } from '../../shared/config/run-config';
import { allText } from '../support/block-kit';
import { ERROR_RATE_METRIC, localRunInput } from '../support/run-inputs';
import { fault, type Fault } from './catalog';
import { CliBench } from '../support/cli-bench';
import { expectLocalRunEnded, slackMessages, slackPath } from './support/expect-fault';
import { startReceiver, type Receiver } from '../support/receiver';

/**
 * The fault matrix, local runs: `canary-judge run` as a child process (bundled CLI, sample service as the
 * versions), provoked as the catalogue says, then read back: exit code, reason, the router's rules before it
 * stopped, processes, report and the Slack message received. Slow: 62 s on 2 idle cores, 139 s at a load of 12.
 */

jest.setTimeout(120_000);

let bench: CliBench;
let receiver: Receiver;

beforeAll(async () => {
  [bench, receiver] = await Promise.all([CliBench.create('faults-local'), startReceiver()]);
}, 120_000);

afterAll(async () => {
  await receiver?.close();
  bench?.dispose();
});

/** A one-step local run of the sample service, its Slack messages going to the receiver under the row's path. */
function runConfig(row: Fault, overrides: Partial<RunInputRaw> = {}): RunInputRaw {
  const command = bench.serviceCommand();
  return localRunInput({
    runId: `fault-${row.id}`,
    baseline: { version: '1.41.0', local: { command } },
    canary: { version: '1.42.0', local: { command } },
    steps: [{ weight: 20, durationSeconds: 6 }],
    notifications: { slack: { webhookUrl: `${receiver.url}${slackPath(row)}` }, events: false },
    ...overrides,
  });
}

const BAKING = /step 1\/1: canary 20% · baseline 20% · production 60%/;

describe('local run faults', () => {
  it.each([
    ['sigint-local', 'SIGINT'],
    ['sigterm-local', 'SIGTERM'],
    ['sighup-local', 'SIGHUP'],
  ] as const)('%s: tears down, reports and exits 128 + signal', async (id, signal) => {
    const row = fault(id);
    const run = bench.run(id, runConfig(row, { steps: [{ weight: 20, durationSeconds: 60 }] }));
    await run.waitFor(BAKING);
    run.child.kill(signal);
    const result = await run.exited;
    await expectLocalRunEnded(row, result, bench, receiver);
    expect(result.json).toMatchObject({ status: 'ABORTED', verdict: 'inconclusive' });
    expect(result.stderr).toContain(`interrupted by ${signal}: restoring production traffic`);
  });

  it.each([
    ['kill9-canary', 'canary', 'fail'],
    // the baseline is what the canary is judged against: without it the run could not judge (issue 10 item 7)
    ['kill9-baseline', 'baseline', 'inconclusive'],
  ] as const)('%s: rolls back when the %s dies', async (id, role, verdict) => {
    const row = fault(id);
    const run = bench.run(id, runConfig(row));
    await run.waitFor(BAKING);
    process.kill(bench.instancePid(run, `fault-${id}`, role), 'SIGKILL');
    const result = await run.exited;
    await expectLocalRunEnded(row, result, bench, receiver);
    expect(result.json).toMatchObject({ decision: 'rollback', verdict });
  });

  it('metrics-down: could not judge, naming the source; verdict inconclusive, not a failed canary', async () => {
    const row = fault('metrics-down');
    const query = (q: string) => ({ type: 'prometheus' as const, query: q });
    const run = bench.run(
      row.id,
      runConfig(row, {
        // 1-second steps: the 6-second window holds whole steps, so the source is asked (and cannot answer)
        metricsSource: { type: 'prometheus', url: 'http://127.0.0.1:9', stepSeconds: 1 },
        canaryConfig: {
          metrics: [
            {
              ...ERROR_RATE_METRIC,
              query: query('sum(rate(http_requests_total{${scope},status=~"5.."}[10s]))'),
              // "replace" would read the source's failure as zero errors on both sides: the outage is caught
              // before the judge's data handling, whatever it is
              analysisConfigurations: { canary: { direction: 'increase', critical: true, nanStrategy: 'replace' } },
            },
          ],
          classifier: { groupWeights: { errors: 100 } },
        },
      }),
    );
    const result = await run.exited;
    await expectLocalRunEnded(row, result, bench, receiver);
    expect(result.json).toMatchObject({ decision: 'rollback', verdict: 'inconclusive' });
  });

  it('alb-condition-limit: refused by Validate with the field named, no stack trace', async () => {
    const row = fault('alb-condition-limit');
    const conditions = { pathPattern: ['/a', '/b', '/c', '/d', '/e', '/f'] };
    const config = runConfig(row);
    const run = bench.run(row.id, { ...config, traffic: { ...config.traffic, conditions } });
    const result = await run.exited;
    await expectLocalRunEnded(row, result, bench, receiver);
    expect(result.json).toMatchObject({ error: 'ValidationError', steps: [], report: null });
  });

  it('webhook-token: promotes, and the token reaches no output, report, message or state file', async () => {
    const row = fault('webhook-token');
    const token = 'hook-token-3f9d2a61c7';
    const run = bench.run(
      row.id,
      runConfig(row, {
        // Only the error rate, 0 on both sides: the judgment is identical every time, the run promotes.
        canaryConfig: { metrics: [ERROR_RATE_METRIC], classifier: { groupWeights: { errors: 100 } } },
        promote: { strategy: 'webhook', url: `${receiver.url}/deploy?token=${token}` },
      }),
    );
    const result = await run.exited;
    await expectLocalRunEnded(row, result, bench, receiver);
    // The token was used (the receiver got the verdict at the URL with it), and is nowhere else.
    expect(receiver.at(`/deploy?token=${token}`)).toHaveLength(1);
    const outputs: [string, string][] = [
      ['stdout', result.stdout],
      ['stderr', result.stderr],
      ...slackMessages(receiver, row).map((m, i): [string, string] => [`slack message ${i}`, JSON.stringify(m)]),
      ...filesUnder(path.join(bench.reportsDir, `fault-${row.id}`)),
      ...filesUnder(run.stateDir),
    ];
    expect(outputs.length).toBeGreaterThanOrEqual(5);
    expect(outputs.filter(([, text]) => text.includes(token)).map(([where]) => where)).toEqual([]);
  });

  it('hostile-names: escaped in the report (checked in Chromium) and in Slack', async () => {
    const row = fault('hostile-names');
    const name = '<img src=x onerror=alert(1)> <!channel>';
    const command = bench.serviceCommand();
    const run = bench.run(
      row.id,
      runConfig(row, {
        // every canary request fails, for 10 s, judged from the 5xx counts: on a loaded machine the load generator
        // slows down, and a thin window (a few seconds without requests, a ratio of 0/0 replaced by 0) must not let
        // this canary pass (measured: 50 % errors over 6 s passed the per-period ratio at 10 req/s, the count test at 20)
        canary: { version: '1.42.0', local: { command, env: { ERROR_RATE: '1' } } },
        steps: [{ weight: 20, durationSeconds: 10 }],
        canaryConfig: {
          metrics: [{ name, preset: 'error-rate-5xx' }],
          classifier: { groupWeights: { errors: 100 } },
        },
      }),
    );
    const result = await run.exited;
    await expectLocalRunEnded(row, result, bench, receiver);

    const slack = allText(slackMessages(receiver, row)[0]);
    expect(slack).toContain('&lt;!channel&gt;');
    expect(slack).not.toContain('<!channel>');

    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox'],
    });
    try {
      const page = await browser.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => void dialogs.push(dialog.message()));
      await page.goto(pathToFileURL(path.join(bench.reportsDir, `fault-${row.id}`, 'report.html')).href);
      // Browser-side code as strings: the project compiles without the DOM lib.
      expect(await page.evaluate('document.querySelectorAll("img").length')).toBe(0);
      expect(await page.evaluate('document.body.innerText')).toContain(name);
      expect(dialogs).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

/** [path, content] of every file below `dir`. */
function filesUnder(dir: string): [string, string][] {
  return readdirSync(dir).flatMap((name): [string, string][] => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [[file, readFileSync(file, 'utf8')]];
  });
}
