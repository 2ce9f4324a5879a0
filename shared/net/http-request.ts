import { request } from 'node:http';

/**
 * One plain-HTTP request with node:http, for clients of loopback servers that come and go (the local router's
 * admin API, a local run's production instances). Not fetch(): Node's fetch keeps a connection pool for every
 * origin it ever reached, for the life of the process, and each local run listens on new ports, so a process
 * that runs many of them grows by a pool per port. node:http's agent forgets a host once its sockets close.
 */

export interface HttpAnswer {
  status: number;
  text: string;
}

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Longest silence on the socket before the request fails with code ETIMEDOUT. */
  timeoutMs: number;
}

/** Resolves with any status; rejects with the socket's error (its `code`, e.g. ECONNREFUSED) or ETIMEDOUT. */
export function httpRequest(url: string, options: HttpRequestOptions): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(options.timeoutMs, () => {
      const error = Object.assign(new Error(`no answer from ${url} within ${options.timeoutMs} ms`), {
        code: 'ETIMEDOUT',
      });
      req.destroy(error);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
