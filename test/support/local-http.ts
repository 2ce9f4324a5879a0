import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * In-process HTTP backends for the local router's tests: each answers `/health` with a settable status and
 * every other path with `?status=` (default 200, or 500 for every `failEvery`-th) after `?delay=` ms (default
 * `delayMs`), and counts its hits.
 */

export interface TestBackend {
  readonly name: string;
  readonly port: number;
  /** Non-health requests answered. */
  hits: number;
  /** Non-health requests answered with a 5xx status. */
  errors: number;
  /** Most non-health requests in progress at once. */
  maxInFlight: number;
  healthStatus: number;
  close(): Promise<void>;
  /** Listen again on the same port after close(). */
  reopen(): Promise<void>;
}

/**
 * Runs `fn` no sooner than `ms` after now. A timer alone can fire early: libuv measures its timeout from the loop
 * time cached at the start of the iteration, which on a busy loop is already in the past (seen: a 1980 ms delay
 * answered after 1979.7 ms), and tests assert that a measured latency is never below the delay asked for.
 */
function afterAtLeast(ms: number, fn: () => void): void {
  const due = performance.now() + ms;
  const check = () => {
    const left = due - performance.now();
    if (left > 0) setTimeout(check, Math.ceil(left));
    else fn();
  };
  setTimeout(check, ms);
}

export async function startBackend(
  name: string,
  options: {
    delayMs?: number;
    port?: number;
    /** Answer every n-th request with 500. */
    failEvery?: number;
    /** Answer `/health` only after this many ms (a target slow to pass its first check). */
    healthDelayMs?: number;
  } = {},
): Promise<TestBackend> {
  let server: Server | undefined;
  let inFlight = 0;
  const backend = {
    name,
    port: options.port ?? 0,
    hits: 0,
    errors: 0,
    maxInFlight: 0,
    healthStatus: 200,
    close: async () => {
      const s = server;
      server = undefined;
      if (!s) return;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
    reopen: async () => {
      server = await listen(backend.port);
    },
  };
  const listen = (port: number): Promise<Server> =>
    new Promise((resolve, reject) => {
      const s = createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://backend');
        req.resume();
        if (url.pathname === '/health') {
          setTimeout(() => {
            res.writeHead(backend.healthStatus, { 'content-type': 'text/plain' });
            res.end('health');
          }, options.healthDelayMs ?? 0);
          return;
        }
        backend.hits += 1;
        inFlight += 1;
        backend.maxInFlight = Math.max(backend.maxInFlight, inFlight);
        res.once('close', () => (inFlight -= 1));
        const delay = Number(url.searchParams.get('delay') ?? options.delayMs ?? 0);
        const failed = options.failEvery !== undefined && backend.hits % options.failEvery === 0;
        const status = Number(url.searchParams.get('status') ?? (failed ? 500 : 200));
        afterAtLeast(delay, () => {
          if (status >= 500) backend.errors += 1;
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ backend: name }));
        });
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve(s));
    });
  server = await listen(backend.port);
  backend.port = (server.address() as AddressInfo).port;
  return backend;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** Send `count` GETs with at most `parallel` in flight; answers in send order. */
export async function getMany(
  url: string,
  count: number,
  parallel = 16,
  headers: Record<string, string> = {},
): Promise<Answer[]> {
  const answers: Answer[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next;
      next += 1;
      answers[i] = await get(url, headers);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return answers;
}

export function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

/** Poll until `check` returns a value (not undefined), or fail after `timeoutMs` with `what`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Resolve at `offsetMs` past the start of the next wall-clock second. */
export async function nextSecond(offsetMs = 50): Promise<number> {
  const now = Date.now();
  const target = Math.ceil(now / 1000) * 1000 + offsetMs;
  await new Promise((r) => setTimeout(r, target - now));
  return Math.floor(target / 1000) * 1000;
}
