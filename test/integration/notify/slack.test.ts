import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunEvent } from '../../../shared/notify/notifier';
import { SlackNotifier } from '../../../shared/notify/slack-notifier';
import { allText, blockKitProblems } from '../../support/block-kit';
import { buildRunReportFixture } from '../../support/run-report-fixture';

/**
 * SlackNotifier against a real HTTP receiver on 127.0.0.1 standing in for hooks.slack.com: the real
 * @slack/webhook client posts the real Block Kit payload; the receiver can answer ok, fail, or hang.
 */

type Mode = 'ok' | 'server-error' | 'bad-request' | 'hang';

interface Received {
  method: string;
  path: string;
  contentType: string | undefined;
  body: Record<string, unknown>;
  at: number;
}

interface Receiver {
  url: string;
  mode: Mode;
  requests: Received[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function startReceiver(): Promise<Receiver> {
  const receiver = { mode: 'ok' as Mode, requests: [] as Received[] };
  const receive = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    receiver.requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      contentType: req.headers['content-type'],
      body: JSON.parse(body) as Record<string, unknown>,
      at: Date.now(),
    });
    switch (receiver.mode) {
      case 'ok':
        res.writeHead(200, { 'content-type': 'text/html' }).end('ok');
        break;
      case 'server-error':
        res.writeHead(500, { 'content-type': 'text/html' }).end('internal_error');
        break;
      case 'bad-request':
        res.writeHead(400, { 'content-type': 'text/html' }).end('invalid_blocks');
        break;
      case 'hang':
        // Never answer: the client's timeout must end the attempt.
        break;
    }
  };
  // A receiver that cannot read the request breaks the connection: the test sees it fail, not a 2xx.
  const server: Server = createServer((req, res) => {
    receive(req, res).catch((error: unknown) => res.destroy(error instanceof Error ? error : new Error(String(error))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/services/T0000/B0000/XXXXXXXXXXXX`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

jest.setTimeout(30_000);

describe('SlackNotifier over HTTP', () => {
  let receiver: Receiver;
  let warnings: { message: string; details?: Record<string, unknown> }[];
  const logger = { warn: (message: string, details?: Record<string, unknown>) => warnings.push({ message, details }) };
  const data = buildRunReportFixture();
  const finished: RunEvent = {
    kind: 'finished',
    state: data.state,
    links: { report: 'https://reports.example.com/checkout-api-20261122-1400/report.html' },
  };

  beforeEach(async () => {
    receiver = await startReceiver();
    warnings = [];
  });
  afterEach(() => receiver.close());

  it('posts a valid Block Kit message with verdict, score and every metric', async () => {
    await new SlackNotifier({ webhookUrl: receiver.url, logger }).notify(finished);
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/services/T0000/B0000/XXXXXXXXXXXX');
    expect(request.contentType).toBe('application/json');
    expect(blockKitProblems(request.body)).toEqual([]);
    // Only the message: no transport options (timeout, retryConfig) leak into the payload.
    expect(Object.keys(request.body).sort()).toEqual(['blocks', 'text']);
    const blocks = request.body.blocks as { type: string }[];
    expect(blocks.map((b) => b.type)).toEqual([
      'header',
      'section',
      'section',
      'context',
      'section',
      'actions',
      'context',
    ]);
    const text = allText(request.body);
    expect(text).toContain('🔴 ROLLED BACK: checkout-api 1.5.0');
    expect(text).toContain('*ROLLED BACK:* critical metric latency-p99 failed at step 2 of 3');
    expect(text).toContain('*Score*\n*0* / 100 · judge: fail');
    for (const metric of data.judgments[1].result.metrics) expect(text).toContain(`${metric.name}`);
    expect(text).toMatch(/✗ latency-p99\* +High +[\d.]+ ms → [\d.]+ ms +\+\d+\.\d%/);
    expect(warnings).toEqual([]);
  });

  it('retries a failing Slack a bounded number of times with backoff, then logs and returns', async () => {
    receiver.mode = 'server-error';
    const notifier = new SlackNotifier({ webhookUrl: receiver.url, retries: 2, backoffMs: 100, logger });
    await expect(notifier.notify(finished)).resolves.toBeUndefined();
    expect(receiver.requests).toHaveLength(3);
    const gaps = receiver.requests.slice(1).map((r, i) => r.at - receiver.requests[i].at);
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThanOrEqual(190);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toBe('slack notification not delivered');
    expect(warnings[0].details).toMatchObject({
      runId: 'checkout-api-20261122-1400',
      kind: 'finished',
      maxAttempts: 3,
    });
    expect(String(warnings[0].details?.error)).toContain('500');
    // The webhook's secret path never reaches the logs.
    expect(JSON.stringify(warnings)).not.toContain('XXXXXXXXXXXX');
  });

  it('does not retry a rejected message (4xx)', async () => {
    receiver.mode = 'bad-request';
    await new SlackNotifier({ webhookUrl: receiver.url, retries: 3, backoffMs: 50, logger }).notify(finished);
    expect(receiver.requests).toHaveLength(1);
    expect(String(warnings[0].details?.error)).toContain('400');
  });

  it('returns within its time budget when Slack never answers', async () => {
    receiver.mode = 'hang';
    const notifier = new SlackNotifier({
      webhookUrl: receiver.url,
      retries: 1,
      timeoutMs: 400,
      backoffMs: 100,
      logger,
    });
    expect(notifier.worstCaseMs).toBe(2 * 400 + 100);
    const started = Date.now();
    await notifier.notify(finished);
    const elapsed = Date.now() - started;
    expect(receiver.requests).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(800);
    expect(elapsed).toBeLessThan(notifier.worstCaseMs + 1000);
    expect(warnings).toHaveLength(1);
  });

  it('gives up quickly when nothing listens', async () => {
    const url = receiver.url;
    await receiver.close();
    const notifier = new SlackNotifier({ webhookUrl: url, retries: 1, backoffMs: 50, logger });
    const started = Date.now();
    await notifier.notify(finished);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(warnings).toHaveLength(1);
    receiver = await startReceiver();
  });

  it('posts only the event kinds it was configured for', async () => {
    const notifier = new SlackNotifier({ webhookUrl: receiver.url, events: ['finished'], logger });
    await notifier.notify({ ...finished, kind: 'judgment' });
    await notifier.notify({ ...finished, kind: 'started' });
    expect(receiver.requests).toHaveLength(0);
    await notifier.notify(finished);
    expect(receiver.requests).toHaveLength(1);
  });
});
