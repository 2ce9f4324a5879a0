/**
 * What the local router costs: `npm run bench:router` (ts-node --transpile-only bench/local-router-bench.ts).
 *
 * A sample-service process (BASE_LATENCY_MS=0, so it answers at once) serves as the only target. First,
 * one request at a time: latency straight to the service and through the router (the router's added
 * latency). Then open-loop load through the router at rising rates, from this process: achieved rate,
 * skipped requests and latency percentiles, and the router's own RequestCount, which must equal what was sent.
 *
 * Flags: --sequential 2000  --rates 250,500,1000,2000  --seconds 3  --json
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { percentile } from '../local/router/metric-data';
import { freePort } from '../shared/net/free-port';
import { runLoad, type LoadStats } from '../local/load/load-generator';
import { cloudWatchDimensionValue } from '../local/router/arn';
import { LocalRouter } from '../local/router/local-router';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};

function timedGet(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(Number(process.hrtime.bigint() - started) / 1e6));
    });
    req.on('error', reject);
    req.end();
  });
}

async function sequential(url: string, count: number): Promise<{ p50: number; p99: number; mean: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < 100; i += 1) await timedGet(url, agent);
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) times.push(await timedGet(url, agent));
  agent.destroy();
  times.sort((a, b) => a - b);
  return {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    mean: times.reduce((a, b) => a + b, 0) / times.length,
  };
}

async function main(): Promise<void> {
  const sequentialCount = Number(arg('sequential', '2000'));
  const rates = arg('rates', '250,500,1000,2000').split(',').map(Number);
  const seconds = Number(arg('seconds', '3'));
  const json = process.argv.includes('--json');

  const port = await freePort();
  const service = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(__dirname, '../local/sample-service/main.ts')],
    {
      env: { ...process.env, PORT: String(port), BASE_LATENCY_MS: '0', LATENCY_SIGMA: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve) =>
    service.stdout.on('data', (c: Buffer) => c.toString().includes('"listening"') && resolve()),
  );
  const router = new LocalRouter({
    production: {
      targets: [{ id: '127.0.0.1', port }],
      healthCheck: { path: '/health', intervalSeconds: 1, timeoutSeconds: 0.5 },
    },
  });
  const endpoints = await router.start();
  await new Promise((r) => setTimeout(r, 300));
  try {
    const direct = await sequential(`http://127.0.0.1:${port}/`, sequentialCount);
    const routed = await sequential(`${endpoints.url}/`, sequentialCount);
    const loads: { rps: number; stats: LoadStats; routerCount: number }[] = [];
    for (const rps of rates) {
      // Start on a fresh second, so the router's per-second counts hold this phase's requests only.
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 10));
      const from = Date.now();
      const stats = await runLoad({ url: `${endpoints.url}/`, rps, durationSeconds: seconds, concurrency: 256 });
      const seriesKey = cloudWatchDimensionValue(endpoints.productionTargetGroupArn);
      const routerCount = router.metrics
        .read(seriesKey, Math.floor(from / 1000), Math.ceil(Date.now() / 1000) + 1)
        .reduce((n, s) => n + (s.counts.get('RequestCount') ?? 0), 0);
      loads.push({ rps, stats, routerCount });
    }
    if (json) {
      process.stdout.write(`${JSON.stringify({ direct, routed, loads })}\n`);
      return;
    }
    const ms = (n: number) => n.toFixed(3);
    console.log(`sequential, ${sequentialCount} requests, keep-alive (ms):`);
    console.log(`  direct   p50 ${ms(direct.p50)}  p99 ${ms(direct.p99)}  mean ${ms(direct.mean)}`);
    console.log(`  router   p50 ${ms(routed.p50)}  p99 ${ms(routed.p99)}  mean ${ms(routed.mean)}`);
    console.log(`  added    p50 ${ms(routed.p50 - direct.p50)}  mean ${ms(routed.mean - direct.mean)}`);
    console.log(`open-loop load through the router, ${seconds} s per rate (load generator in the router's process):`);
    console.log('  offered rps  achieved rps  sent   skipped  errors  p50 ms  p99 ms  router RequestCount');
    for (const { rps, stats, routerCount } of loads) {
      const achieved = stats.completed / (stats.elapsedMs / 1000);
      console.log(
        `  ${String(rps).padStart(11)}  ${achieved.toFixed(0).padStart(12)}  ${String(stats.sent).padStart(5)}  ${String(stats.skipped).padStart(7)}  ${String(stats.networkErrors).padStart(6)}  ${stats.latencyMs.p50.toFixed(2).padStart(6)}  ${stats.latencyMs.p99.toFixed(2).padStart(6)}  ${String(routerCount).padStart(19)}`,
      );
    }
  } finally {
    await router.stop();
    service.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
