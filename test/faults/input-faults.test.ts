import path from 'node:path';
import type { RunInputRaw } from '../../shared/config/run-config';
import { localRunInput } from '../support/run-inputs';
import { fault } from './catalog';
import { CliBench } from '../support/cli-bench';
import { expectEnded, expectNoServiceProcess } from './support/expect-fault';

/**
 * The fault matrix, bad input on the command line: refused with the field named, exit 3, before anything
 * starts (no router, no process, no report: the run's state directory is never created).
 */

jest.setTimeout(60_000);

let bench: CliBench;

beforeAll(async () => {
  bench = await CliBench.create('faults-input');
}, 120_000);

afterAll(() => bench?.dispose());

function config(overrides: Partial<RunInputRaw>): RunInputRaw {
  const command = bench.serviceCommand();
  return localRunInput({
    baseline: { version: '1.41.0', local: { command } },
    canary: { version: '1.42.0', local: { command } },
    steps: [{ weight: 20, durationSeconds: 20 }],
    ...overrides,
  });
}

describe('bad input on the command line', () => {
  // Functions: the inputs name the bench's sample service, bundled in beforeAll.
  it.each<[string, () => unknown, string[]]>([
    ['config-not-json', () => '{"service": ', []],
    ['config-missing-field', () => ({ ...config({}), service: undefined }), []],
    ['steps-not-a-list', () => ({ ...config({}), steps: 'fast' }), ['--speed', '2']],
    ['zero-duration-speed', () => config({ steps: [{ weight: 20, durationSeconds: 0 }] }), ['--speed', '2']],
    ['warmup-huge', () => config({ analysis: { warmupSeconds: 1e15 } }), []],
    ['warmup-longer-than-step', () => config({ analysis: { warmupSeconds: 30 } }), []],
    ['period-huge', () => config({ metricsSource: { type: 'local', periodSeconds: 1e15 } }), []],
    ['version-markup', () => config({ canary: { version: '1.2 <script>', local: { command: ['node'] } } }), []],
    ['query-source-mismatch', () => config({ metricsSource: { type: 'prometheus', url: 'http://127.0.0.1:9' } }), []],
  ])('%s: exit 3 naming the field, nothing started', async (id, input, args) => {
    const row = fault(id);
    const result = await bench.run(id, input(), { args }).exited;
    expectEnded(row, result);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toMatch(/local router on/);
    await expectNoServiceProcess(bench);
  });

  it('judge-bad-data: exit 3 naming the sample', async () => {
    const row = fault('judge-bad-data');
    const data = bench.file('bad-data.json', { 'latency-p99': { baseline: [0.2, 'slow'], canary: [0.2, 0.3] } });
    const config = path.resolve(__dirname, '../../examples/canary-config.json');
    const result = await bench.command(['judge', '--config', config, '--data', data]).exited;
    expectEnded(row, result);
    expect(result.stdout).toBe('');
  });
});
