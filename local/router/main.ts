import { Command, InvalidArgumentError } from 'commander';
import { LocalRouter } from './local-router';

/**
 * `node dist/local/router/main.js --port 8080 --admin-port 8081 --production-target 127.0.0.1:9001`
 * Starts the local ALB stand-in as its own process; prints one JSON line with its URLs and ARNs, then one
 * JSON line per target health change. Stops on SIGTERM / SIGINT.
 */

const integer =
  (name: string) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number >= 0`);
    return n;
  };
const seconds = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number of seconds > 0');
  return n;
};
const target = (value: string, previous: { id: string; port: number }[]): { id: string; port: number }[] => {
  const match = /^(.+):(\d{1,5})$/.exec(value);
  if (!match) throw new InvalidArgumentError(`expected host:port, got "${value}"`);
  return [...previous, { id: match[1], port: Number(match[2]) }];
};

const log = (event: string, fields: Record<string, unknown>): void => {
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), component: 'local-router', event, ...fields })}\n`,
  );
};

const program = new Command('local-router')
  .description(
    'Local stand-in for an AWS Application Load Balancer: weighted listener rules, health checks, per-target-group metrics, admin API.',
  )
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'listener (traffic) port; 0 = any free port', integer('--port'), 8080)
  .option('--admin-port <port>', 'admin API port; 0 = any free port', integer('--admin-port'), 8081)
  .option('--name <name>', 'load balancer name (part of every ARN)', 'local-router')
  .option('--production-name <name>', 'name of the production target group', 'production')
  .option('--production-target <host:port>', 'a production target (repeatable)', target, [])
  .option('--health-path <path>', 'health check path of the production target group', '/health')
  .option('--health-interval <seconds>', 'health check interval of the production target group', seconds, 1)
  .option('--target-timeout <seconds>', 'answer 504 when a target takes longer than this', seconds, 60)
  .option('--retention <seconds>', 'how long per-second metrics are kept', integer('--retention'), 3600)
  .option(
    '--raw-retention <seconds>',
    'how long raw latencies for percentiles are kept',
    integer('--raw-retention'),
    600,
  )
  .showHelpAfterError();

async function main(): Promise<void> {
  // Whoever read our output may be gone (a closed pipe); logging must never take the process down.
  process.stdout.on('error', () => undefined);
  const opts = program.parse().opts<{
    host: string;
    port: number;
    adminPort: number;
    name: string;
    productionName: string;
    productionTarget: { id: string; port: number }[];
    healthPath: string;
    healthInterval: number;
    targetTimeout: number;
    retention: number;
    rawRetention: number;
  }>();
  const router = new LocalRouter({
    host: opts.host,
    port: opts.port,
    adminPort: opts.adminPort,
    loadBalancerName: opts.name,
    production: {
      name: opts.productionName,
      targets: opts.productionTarget,
      healthCheck: {
        path: opts.healthPath,
        intervalSeconds: opts.healthInterval,
        timeoutSeconds: Math.min(2, opts.healthInterval / 2),
      },
    },
    targetTimeoutMs: opts.targetTimeout * 1000,
    metrics: { retentionSeconds: opts.retention, rawRetentionSeconds: opts.rawRetention },
    log,
  });
  const endpoints = await router.start();
  log('started', { ...endpoints });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log('stopping', { signal });
    router.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`local-router: stop failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`local-router: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
