import { LoadGenerator, formatProgress, runLoad } from '../../../local/load/load-generator';
import { startBackend, type TestBackend } from '../../support/local-http';

/** The load generator against a loopback backend: rate, duration, concurrency cap, live stats. */

describe('LoadGenerator', () => {
  let backend: TestBackend;

  afterEach(async () => {
    await backend.close();
  });

  it('sends rps × duration requests over the duration, stops by itself and reports live progress', async () => {
    backend = await startBackend('b');
    const progress: number[] = [];
    const started = Date.now();
    const stats = await runLoad(
      { url: `http://127.0.0.1:${backend.port}/`, rps: 200, durationSeconds: 1.5 },
      { onProgress: (s) => progress.push(s.sent), progressIntervalMs: 250 },
    );
    const took = Date.now() - started;
    expect(stats).toMatchObject({
      due: 300,
      sent: 300,
      completed: 300,
      skipped: 0,
      networkErrors: 0,
      inFlight: 0,
      done: true,
    });
    expect(stats.byStatus).toEqual({ 200: 300 });
    expect(stats.byTargetGroup).toEqual({ '(none)': 300 });
    expect(backend.hits).toBe(300);
    // The last request is due at 299/200 s = 1.495 s: the load is spread, not sent in a burst.
    expect(took).toBeGreaterThanOrEqual(1490);
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect(progress.every((n, i) => i === 0 || n >= progress[i - 1])).toBe(true);
    expect(progress[0]).toBeLessThan(300);
    expect(formatProgress(stats)).toMatch(
      /^\d+\.\ds sent 300 \(skipped 0\) 200:300 \| \(none\) 300 \| p50 [\d.]+ ms p99 [\d.]+ ms$/,
    );
  });

  it('never has more than `concurrency` requests in flight and counts what it could not send', async () => {
    backend = await startBackend('slow', { delayMs: 400 });
    const stats = await new LoadGenerator({
      url: `http://127.0.0.1:${backend.port}/`,
      rps: 100,
      durationSeconds: 1,
      concurrency: 10,
    }).run();
    expect(backend.maxInFlight).toBeLessThanOrEqual(10);
    expect(stats.sent + stats.skipped).toBe(100);
    // 10 in flight for 400 ms at a time: about 30 can be sent in a second, the rest are skipped.
    expect(stats.sent).toBeLessThanOrEqual(35);
    expect(stats.completed).toBe(stats.sent);
    expect(stats.latencyMs.p50).toBeGreaterThanOrEqual(400);
  });

  it('counts refused connections as network errors', async () => {
    backend = await startBackend('gone');
    await backend.close();
    const stats = await new LoadGenerator({
      url: `http://127.0.0.1:${backend.port}/`,
      rps: 50,
      durationSeconds: 0.2,
    }).run();
    expect(stats).toMatchObject({ sent: 10, networkErrors: 10, byStatus: { error: 10 } });
  });
});
