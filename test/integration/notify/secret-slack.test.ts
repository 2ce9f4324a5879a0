import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretSlackNotifier } from '../../../shared/notify/secret-slack-notifier';
import type { RunEvent } from '../../../shared/notify/notifier';
import { blockKitProblems } from '../../support/block-kit';
import { buildRunReportFixture } from '../../support/run-report-fixture';

/** Slack with the webhook URL in a secret: a real POST to a receiver on 127.0.0.1 once the secret is read. */

let server: Server;
let port: number;
const posts: { path: string; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      posts.push({
        path: req.url ?? '',
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
      });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => (posts.length = 0));

const event: RunEvent = {
  kind: 'finished',
  state: buildRunReportFixture().state,
  links: { report: 'https://reports.example/r.html' },
};

describe('SecretSlackNotifier', () => {
  it('posts the Block Kit message to the URL read from the secret, reading it for every event from the cache', async () => {
    const reads: string[] = [];
    const secrets = {
      get: async (id: string) => {
        reads.push(id);
        return `http://127.0.0.1:${port}/services/T0/B0/secret-path\n`;
      },
    };
    const warnings: string[] = [];
    const notifier = new SecretSlackNotifier('arn:aws:secretsmanager:eu-west-1:1:secret:slack', secrets, {
      logger: { warn: (m) => void warnings.push(m) },
      retries: 0,
    });
    await notifier.notify(event);
    await notifier.notify({ ...event, kind: 'approval' });
    expect(posts.map((p) => p.path)).toEqual(['/services/T0/B0/secret-path', '/services/T0/B0/secret-path']);
    expect(blockKitProblems(posts[0].body)).toEqual([]);
    expect(reads).toEqual([
      'arn:aws:secretsmanager:eu-west-1:1:secret:slack',
      'arn:aws:secretsmanager:eu-west-1:1:secret:slack',
    ]);
    expect(warnings).toEqual([]);
  });

  it('only sends the kinds it was configured for', async () => {
    const notifier = new SecretSlackNotifier(
      'arn:s',
      { get: async () => `http://127.0.0.1:${port}/services/x` },
      {
        logger: { warn: () => undefined },
        events: ['finished'],
      },
    );
    await notifier.notify({ ...event, kind: 'judgment' });
    expect(posts).toEqual([]);
  });

  it('logs an unreadable secret and returns without failing the run', async () => {
    const warnings: Record<string, unknown>[] = [];
    const notifier = new SecretSlackNotifier(
      'arn:missing',
      { get: async () => Promise.reject(new Error('ResourceNotFoundException: no such secret')) },
      { logger: { warn: (message, details) => void warnings.push({ message, ...details }) } },
    );
    await expect(notifier.notify(event)).resolves.toBeUndefined();
    expect(posts).toEqual([]);
    expect(warnings).toEqual([
      expect.objectContaining({
        message: 'slack webhook secret not readable',
        secretArn: 'arn:missing',
        error: 'ResourceNotFoundException: no such secret',
      }),
    ]);
  });
});
