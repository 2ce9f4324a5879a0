import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP receiver on 127.0.0.1 standing in for Slack's incoming webhooks and a team's promote webhook: it
 * answers 200 to every POST and keeps what it got, so a test can read every message a run sent.
 */

export interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** What arrived at `path` (exact path, query included). */
  at(path: string): Received[];
  close(): Promise<void>;
}

/** `keepAlive: false` answers with Connection: close, so no idle client connection outlives a request. */
export async function startReceiver({ keepAlive = true }: { keepAlive?: boolean } = {}): Promise<Receiver> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'text/plain', ...(keepAlive ? {} : { connection: 'close' }) }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    at: (path) => received.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
