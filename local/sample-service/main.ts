import { configFromEnv } from './config';
import { createSampleService } from './service';

/**
 * `node dist/local/sample-service/main.js` — one instance of the sample service, configured by env
 * (see config.ts). Logs one JSON line per lifecycle event on stdout.
 */

const log = (event: string, fields: Record<string, unknown> = {}): void => {
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), service: 'sample-service', event, ...fields })}\n`,
  );
};

async function main(): Promise<void> {
  // Whoever read our output may be gone (a closed pipe); logging must never take the process down.
  process.stdout.on('error', () => undefined);
  const config = configFromEnv(process.env);
  const service = createSampleService(config, {
    onCrash: (served) => {
      log('crash', { served, reason: 'CRASH_AFTER reached' });
      process.exit(1);
    },
  });
  const { port, host } = await service.start();
  log('listening', {
    host,
    port,
    role: config.ROLE,
    version: config.VERSION,
    runId: config.RUN_ID,
    seed: service.seed,
    knobs: {
      baseLatencyMs: config.BASE_LATENCY_MS,
      latencySigma: config.LATENCY_SIGMA,
      extraLatencyMs: config.EXTRA_LATENCY_MS,
      latencyFactor: config.LATENCY_FACTOR,
      errorRate: config.ERROR_RATE,
      crashAfter: config.CRASH_AFTER,
    },
  });

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log('stopping', { signal, served: service.served() });
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(
          `sample-service: stop failed: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  const parentPid = config.CANARY_JUDGE_PARENT_PID;
  if (parentPid) {
    // If the launcher died without tearing down (e.g. SIGKILL), do not linger as an orphan.
    setInterval(() => {
      try {
        process.kill(parentPid, 0);
      } catch {
        shutdown('parent-exited');
      }
    }, 1000).unref();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`sample-service: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
