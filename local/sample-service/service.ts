import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRng, seedFrom } from '../common/random';
import type { SampleServiceConfig } from './config';
import { drawLatencyMs } from './latency';
import { createServiceMetrics } from './metrics';

/**
 * The sample service: `/` does "work" (sleeps a log-normal latency, fails at ERROR_RATE), `/health` for the
 * load balancer's health checks, `/metrics` for Prometheus. Plain node `http`, no framework.
 */

export interface SampleServiceHooks {
  /** Called once after the CRASH_AFTER-th `/` response; main.ts exits the process here. */
  onCrash?: (served: number) => void;
}

export interface SampleService {
  readonly seed: number;
  /** `/` requests answered so far. */
  served(): number;
  start(): Promise<{ port: number; host: string }>;
  /** Stop accepting, let in-flight requests finish (at most `graceMs`), then close every connection. */
  stop(graceMs?: number): Promise<void>;
}

const routeOf = (path: string): string =>
  path === '/' || path === '/health' || path === '/metrics' ? path : 'unmatched';

export function createSampleService(config: SampleServiceConfig, hooks: SampleServiceHooks = {}): SampleService {
  const seed = seedFrom(config.SEED);
  const rng = createRng(seed);
  const metrics = createServiceMetrics({ role: config.ROLE, version: config.VERSION, run_id: config.RUN_ID });
  let served = 0;
  let crashed = false;
  // Once stopping, answers close their connection, so keep-alive clients do not hold the shutdown up.
  let stopping = false;
  const timers = new Set<NodeJS.Timeout>();

  const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    if (stopping) res.setHeader('connection', 'close');
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const work = (res: ServerResponse): void => {
    // Both draws happen on arrival, so a seeded run gives the same sequence for the same arrival order.
    const latencyMs = drawLatencyMs(rng, config);
    const fail = rng.next() < config.ERROR_RATE;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (fail) sendJson(res, 500, { error: 'injected error (ERROR_RATE)', version: config.VERSION });
      else
        sendJson(res, 200, {
          version: config.VERSION,
          role: config.ROLE,
          latencyMs: Math.round(latencyMs * 1000) / 1000,
        });
    }, latencyMs);
    timers.add(timer);
    res.once('finish', () => {
      served += 1;
      if (config.CRASH_AFTER > 0 && served >= config.CRASH_AFTER && !crashed) {
        crashed = true;
        hooks.onCrash?.(served);
      }
    });
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const started = process.hrtime.bigint();
    const path = (req.url ?? '/').split('?')[0];
    const route = routeOf(path);
    res.once('finish', () => {
      metrics.observe(route, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
    });
    // Drain any request body so keep-alive connections stay usable.
    req.resume();
    if (route === '/') return work(res);
    if (route === '/health') return sendJson(res, 200, { status: 'ok', version: config.VERSION, role: config.ROLE });
    if (route === '/metrics') {
      metrics.registry.metrics().then(
        (text) => {
          if (stopping) res.setHeader('connection', 'close');
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        },
        (error: unknown) => sendJson(res, 500, { error: String(error) }),
      );
      return;
    }
    sendJson(res, 404, { error: `no route ${path}` });
  };

  let server: Server | undefined;

  return {
    seed,
    served: () => served,
    start() {
      return new Promise((resolve, reject) => {
        const s = createServer(handle);
        s.keepAliveTimeout = 65_000;
        s.once('error', reject);
        s.listen(config.PORT, config.HOST, () => {
          server = s;
          resolve({ port: (s.address() as AddressInfo).port, host: config.HOST });
        });
      });
    },
    stop(graceMs = 5000) {
      const s = server;
      server = undefined;
      if (!s) return Promise.resolve();
      stopping = true;
      return new Promise((resolve) => {
        const force = setTimeout(() => {
          for (const timer of timers) clearTimeout(timer);
          s.closeAllConnections();
        }, graceMs);
        s.close(() => {
          clearTimeout(force);
          resolve();
        });
        s.closeIdleConnections();
      });
    },
  };
}
