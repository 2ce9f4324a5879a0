import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { createRng, seedFrom } from '../../../local/common/random';
import { drawLatencyMs } from '../../../local/sample-service/latency';
import { sampleServiceCommand } from '../../support/sample-service-binary';
import { get } from '../../support/local-http';
import { startListening, stopProcess, type RunningProcess } from '../../support/local-process';

/** The sample service as its own process, configured by env, as LocalFleet starts it. */

/** A GET on its own connection: `flushed` once its bytes are out, `answer` when the response has come. */
function sendAndFlush(url: string): { flushed: Promise<void>; answer: Promise<{ status: number }> } {
  const req = request(url, { agent: false });
  const answer = new Promise<{ status: number }>((resolve, reject) => {
    req.once('response', (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.once('error', reject);
  });
  const flushed = new Promise<void>((resolve) => req.once('finish', () => resolve()));
  req.end();
  return { flushed, answer };
}

describe('sample service process', () => {
  let command: string[];
  let running: RunningProcess | undefined;

  beforeAll(async () => {
    command = await sampleServiceCommand();
  });

  afterEach(async () => {
    await stopProcess(running);
    running = undefined;
  });

  const start = async (env: Record<string, string>) => {
    running = await startListening(command, { PORT: '0', ...env });
    return `http://127.0.0.1:${running.port}`;
  };

  it('fails ERROR_RATE of requests with 500, exactly as its seeded generator says, and counts them in /metrics', async () => {
    const url = await start({
      ERROR_RATE: '0.2',
      SEED: 'error-test',
      BASE_LATENCY_MS: '1',
      ROLE: 'canary',
      VERSION: 'v2',
      RUN_ID: 'r1',
    });
    const statuses: number[] = [];
    for (let i = 0; i < 400; i += 1) statuses.push((await get(`${url}/`)).status);
    // The same draws in the same order: latency (normal) first, then the error coin.
    const rng = createRng(seedFrom('error-test'));
    const knobs = { BASE_LATENCY_MS: 1, LATENCY_SIGMA: 0.25, LATENCY_FACTOR: 1, EXTRA_LATENCY_MS: 0 };
    const expected = Array.from({ length: 400 }, () => {
      drawLatencyMs(rng, knobs);
      return rng.next() < 0.2 ? 500 : 200;
    });
    expect(statuses).toEqual(expected);
    const failures = statuses.filter((s) => s === 500).length;
    // And the rate is what the knob says: 80 expected, sd = sqrt(400 * 0.2 * 0.8) = 8; within 4 sd.
    expect(Math.abs(failures - 80)).toBeLessThanOrEqual(32);

    const metrics = (await get(`${url}/metrics`)).body;
    expect(metrics).toContain(`http_requests_total{code="500",role="canary",version="v2",run_id="r1"} ${failures}`);
    expect(metrics).toContain(
      `http_requests_total{code="200",role="canary",version="v2",run_id="r1"} ${400 - failures}`,
    );
    expect(metrics).toMatch(
      /http_request_duration_seconds_bucket\{le="0\.005",role="canary",version="v2",run_id="r1",code="200",route="\/"\} \d+/,
    );
    expect(metrics).toContain('process_cpu_user_seconds_total');
  });

  it.each([
    [{ EXTRA_LATENCY_MS: '40' }, 50],
    [{ LATENCY_FACTOR: '3' }, 30],
    [{ LATENCY_FACTOR: '2', EXTRA_LATENCY_MS: '5' }, 25],
  ])('adds latency with %j: every request takes %i ms', async (knobs, expectedMs) => {
    const url = await start({ BASE_LATENCY_MS: '10', LATENCY_SIGMA: '0', ...knobs });
    for (let i = 0; i < 5; i += 1) {
      const started = process.hrtime.bigint();
      const answer = await get(`${url}/`);
      const tookMs = Number(process.hrtime.bigint() - started) / 1e6;
      expect(JSON.parse(answer.body)).toMatchObject({ latencyMs: expectedMs });
      expect(tookMs).toBeGreaterThanOrEqual(expectedMs - 1);
    }
    const metrics = (await get(`${url}/metrics`)).body;
    const sum = Number(/http_request_duration_seconds_sum\{[^}]*route="\/"\} ([\d.e-]+)/.exec(metrics)?.[1]);
    expect(sum).toBeGreaterThanOrEqual((5 * (expectedMs - 1)) / 1000);
  });

  it('exits with code 1 right after answering CRASH_AFTER requests', async () => {
    const url = await start({ CRASH_AFTER: '5', BASE_LATENCY_MS: '1' });
    const proc = running!;
    for (let i = 0; i < 5; i += 1) expect((await get(`${url}/`)).status).toBe(200);
    // Health checks do not count towards the crash.
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain('"event":"crash"');
    await expect(get(`${url}/`)).rejects.toThrow();
  });

  it('does not count health checks towards CRASH_AFTER', async () => {
    const url = await start({ CRASH_AFTER: '2', BASE_LATENCY_MS: '1' });
    for (let i = 0; i < 5; i += 1) expect((await get(`${url}/health`)).status).toBe(200);
    expect((await get(`${url}/`)).status).toBe(200);
    expect(running!.child.exitCode).toBeNull();
  });

  it('shuts down cleanly on SIGTERM, finishing the request in flight', async () => {
    const url = await start({ BASE_LATENCY_MS: '1500', LATENCY_SIGMA: '0' });
    const inFlight = sendAndFlush(`${url}/`);
    await inFlight.flushed;
    // The service reads connections in arrival order, so once it has answered a request sent after this one's
    // bytes went out, it has this one in hand: no guess at how long that takes on a loaded machine.
    expect((await get(`${url}/health`)).status).toBe(200);
    running!.child.kill('SIGTERM');
    expect((await inFlight.answer).status).toBe(200);
    expect(await running!.exited).toBe(0);
    // It was still in flight when the signal came: the service had answered no `/` request yet.
    const stopping = running!
      .output()
      .split('\n')
      .find((line) => line.includes('"event":"stopping"'));
    expect(JSON.parse(stopping!)).toMatchObject({ signal: 'SIGTERM', served: 0 });
  });

  it('refuses a bad knob, naming it', async () => {
    const child = spawn(command[0], command.slice(1), {
      env: { ...process.env, PORT: '0', ERROR_RATE: '1.5' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/invalid sample-service environment: ERROR_RATE: .*1/);
  });
});
