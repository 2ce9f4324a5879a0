import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  type StartInstanceRefreshCommandInput,
} from '@aws-sdk/client-auto-scaling';
import { DescribeLaunchTemplateVersionsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { runInputSchema, type RunInputRaw } from '../../../shared/config/run-config';
import { createPromoter } from '../../../shared/promote';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, DELIVERY_HEADER } from '../../../shared/promote/webhook-promoter';
import type { RunState } from '../../../shared/run-model/run-state';
import { freePort } from '../../../shared/net/free-port';
import { createAlbFixtureFromEnv, type AlbFixture } from '../../support/aws-fixtures';
import { startMoto, type Moto } from '../../support/moto';

jest.setTimeout(60_000);

let moto: Moto;
let ec2: EC2Client;
let fx: AlbFixture;

beforeAll(async () => {
  moto = await startMoto({ env: true });
});

afterAll(async () => {
  await moto?.stop();
});

/** Ids for tests that never look them up. */
const FAKE_IDS = {
  launchTemplateId: 'lt-0123456789abcdef0',
  listenerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/2',
  productionTargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/3',
};

function state(canaryAws: Record<string, unknown>, ids: Pick<AlbFixture, keyof typeof FAKE_IDS> = FAKE_IDS): RunState {
  const raw: RunInputRaw = {
    runId: 'web-42',
    service: 'web',
    baseline: { version: 'v1', aws: { launchTemplate: { launchTemplateId: ids.launchTemplateId, version: '1' } } },
    canary: {
      version: 'v2',
      aws: { launchTemplate: { launchTemplateId: ids.launchTemplateId, version: '2' }, ...canaryAws },
    },
    traffic: { listenerArn: ids.listenerArn, productionTargetGroupArn: ids.productionTargetGroupArn },
    steps: [
      { weight: 5, durationSeconds: 300 },
      { weight: 25, durationSeconds: 300 },
    ],
    metricsSource: { type: 'cloudwatch' },
    canaryConfig: { metrics: [{ name: 'p99', preset: 'latency-p99' }] },
  };
  const summary = (step: number, weight: number, score: number) => ({
    step,
    weight,
    window: { start: '2026-11-22T10:00:00.000Z', end: '2026-11-22T10:05:00.000Z' },
    score,
    verdict: 'pass' as const,
    confidenceLevel: 0.98,
    metrics: [],
    reportKey: `web-42/judgments/step-${step}.json`,
    action: step === 2 ? ('promote' as const) : ('continue' as const),
    reason: '',
  });
  return {
    runId: 'web-42',
    input: runInputSchema.parse(raw),
    startedAt: '2026-11-22T09:58:00.000Z',
    resources: {},
    judgments: [summary(1, 5, 100), summary(2, 25, 87.5)],
    decision: { action: 'promote', reason: 'step 2/2: final score 87.5 >= pass 75' },
  };
}

/** Everything goes to moto over HTTP except StartInstanceRefresh, which moto lacks: recorded and answered here. */
function autoScalingClient(refreshes: StartInstanceRefreshCommandInput[]): AutoScalingClient {
  const client = new AutoScalingClient({});
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'StartInstanceRefreshCommand') return next(args);
      refreshes.push(args.input as StartInstanceRefreshCommandInput);
      return { output: { InstanceRefreshId: `ir-${refreshes.length}`, $metadata: {} }, response: {} };
    },
    { step: 'initialize', name: 'instanceRefreshStandIn' },
  );
  return client;
}

async function createGroup(autoScaling: AutoScalingClient, mixed = false) {
  const template = { LaunchTemplateId: fx.launchTemplateId, Version: '1' };
  await autoScaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: 'web-prod',
      MinSize: 2,
      MaxSize: 4,
      DesiredCapacity: 2,
      VPCZoneIdentifier: fx.subnetIds.join(','),
      ...(mixed
        ? {
            MixedInstancesPolicy: {
              LaunchTemplate: { LaunchTemplateSpecification: template, Overrides: [{ InstanceType: 't3.micro' }] },
            },
          }
        : { LaunchTemplate: template }),
    }),
  );
}

async function groupTemplate(autoScaling: AutoScalingClient) {
  const group = (await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web-prod'] })))
    .AutoScalingGroups![0];
  return group.LaunchTemplate ?? group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
}

describe('auto scaling promoter', () => {
  beforeEach(async () => {
    await moto.reset();
    ({ ec2, fx } = await createAlbFixtureFromEnv());
  });

  it("points the production group at the canary's launch template version and starts an instance refresh", async () => {
    const refreshes: StartInstanceRefreshCommandInput[] = [];
    const autoScaling = autoScalingClient(refreshes);
    await createGroup(autoScaling);
    const promoter = createPromoter(
      { strategy: 'autoScaling', autoScalingGroupName: 'web-prod', minHealthyPercentage: 75 },
      { autoScaling, ec2 },
    );
    const done = await promoter.promote(state({}, fx));

    expect(await groupTemplate(autoScaling)).toMatchObject({ LaunchTemplateId: fx.launchTemplateId, Version: '2' });
    expect(refreshes).toEqual([
      { AutoScalingGroupName: 'web-prod', Strategy: 'Rolling', Preferences: { MinHealthyPercentage: 75 } },
    ]);
    expect(done).toBe(
      `auto scaling group web-prod now launches ${fx.launchTemplateId} version 2; instance refresh ir-1 started (min healthy 75%)`,
    );
  });

  it('pins $Latest to a number and updates a mixed-instances group', async () => {
    const refreshes: StartInstanceRefreshCommandInput[] = [];
    const autoScaling = autoScalingClient(refreshes);
    await createGroup(autoScaling, true);
    const promoter = createPromoter(
      {
        strategy: 'autoScaling',
        autoScalingGroupName: 'web-prod',
        launchTemplateVersion: '$Latest',
        minHealthyPercentage: 90,
      },
      { autoScaling, ec2 },
    );
    await promoter.promote(state({}, fx));
    expect(await groupTemplate(autoScaling)).toMatchObject({ LaunchTemplateId: fx.launchTemplateId, Version: '2' });
  });

  it("creates a launch template version carrying the canary's AMI override", async () => {
    const refreshes: StartInstanceRefreshCommandInput[] = [];
    const autoScaling = autoScalingClient(refreshes);
    await createGroup(autoScaling);
    const promoter = createPromoter(
      { strategy: 'autoScaling', autoScalingGroupName: 'web-prod', minHealthyPercentage: 90 },
      { autoScaling, ec2 },
    );
    const done = await promoter.promote(state({ imageId: fx.currentAmi, instanceType: 't3.large' }, fx));

    expect(await groupTemplate(autoScaling)).toMatchObject({ Version: '3' });
    const v3 = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: fx.launchTemplateId, Versions: ['3'] }),
    );
    expect(v3.LaunchTemplateVersions![0].LaunchTemplateData).toMatchObject({
      ImageId: fx.currentAmi,
      InstanceType: 't3.large',
    });
    expect(done).toContain('version 3 (created from the canary)');
  });

  it('names the field for a group that does not exist, and changes nothing', async () => {
    const refreshes: StartInstanceRefreshCommandInput[] = [];
    const autoScaling = autoScalingClient(refreshes);
    const promoter = createPromoter(
      { strategy: 'autoScaling', autoScalingGroupName: 'nope', minHealthyPercentage: 90 },
      { autoScaling, ec2 },
    );
    await expect(promoter.promote(state({}, fx))).rejects.toThrow(
      'invalid run input: promote.autoScalingGroupName: auto scaling group nope not found',
    );
    expect(refreshes).toEqual([]);
  });
});

describe('webhook promoter', () => {
  let receiver: Server;
  let received: { headers: IncomingHttpHeaders; body: string }[];
  let status: number;

  beforeEach(async () => {
    received = [];
    status = 202;
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(status).end(status < 300 ? 'queued' : 'no such pipeline');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  });

  afterEach(() => new Promise((r) => receiver.close(r)));

  // A receiver that takes its credential in the query string: it must never appear in what the run says.
  const TOKEN = 'deploy-token-7f3a9c';
  const origin = () => `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const url = () => `${origin()}/deploy?token=${TOKEN}`;

  it('posts the verdict signed with the secret from Secrets Manager', async () => {
    const secrets = new SecretsManagerClient({});
    const secret = await secrets.send(new CreateSecretCommand({ Name: 'deploy-hook', SecretString: 'hook-secret' }));
    const now = new Date('2026-11-22T10:11:12.000Z');
    const promoter = createPromoter({ strategy: 'webhook', url: url(), secretArn: secret.ARN }, { now: () => now });
    const done = await promoter.promote(state({}));

    expect(done).toBe(`verdict posted to ${origin()} (HTTP 202, signed)`);
    expect(received).toHaveLength(1);
    const [{ headers, body }] = received;
    expect(JSON.parse(body)).toEqual({
      type: 'canary-judge.promote',
      runId: 'web-42',
      service: 'web',
      baselineVersion: 'v1',
      canaryVersion: 'v2',
      decision: 'promote',
      reason: 'step 2/2: final score 87.5 >= pass 75',
      score: 87.5,
      verdict: 'pass',
      judgments: [
        {
          step: 1,
          weight: 5,
          score: 100,
          verdict: 'pass',
          action: 'continue',
          reportKey: 'web-42/judgments/step-1.json',
        },
        {
          step: 2,
          weight: 25,
          score: 87.5,
          verdict: 'pass',
          action: 'promote',
          reportKey: 'web-42/judgments/step-2.json',
        },
      ],
      startedAt: '2026-11-22T09:58:00.000Z',
      decidedAt: '2026-11-22T10:11:12.000Z',
    });
    expect(headers['content-type']).toBe('application/json');
    expect(headers[TIMESTAMP_HEADER]).toBe(String(now.getTime() / 1000));
    expect(headers[DELIVERY_HEADER]).toBe('web-42/promote');
    // What a receiver does: HMAC over "<timestamp>.<raw body>" with the shared secret.
    const expected = createHmac('sha256', 'hook-secret').update(`${headers[TIMESTAMP_HEADER]}.${body}`).digest('hex');
    expect(headers[SIGNATURE_HEADER]).toBe(`sha256=${expected}`);
  });

  it('sends no signature without a secret, and fails naming the origin (never the token) on a non-2xx answer', async () => {
    status = 404;
    const promoter = createPromoter({ strategy: 'webhook', url: url() });
    const failure = promoter.promote(state({}));
    await expect(failure).rejects.toThrow(`promote webhook ${origin()} answered HTTP 404: no such pipeline`);
    await expect(failure).rejects.not.toThrow(TOKEN);
    expect(received[0].headers[SIGNATURE_HEADER]).toBeUndefined();
  });

  it('fails naming the origin when nothing listens', async () => {
    const port = await freePort();
    const promoter = createPromoter({ strategy: 'webhook', url: `http://127.0.0.1:${port}/deploy?token=${TOKEN}` });
    const failure = promoter.promote(state({}));
    await expect(failure).rejects.toThrow(
      `promote webhook http://127.0.0.1:${port} unreachable (connect ECONNREFUSED 127.0.0.1:${port})`,
    );
    await expect(failure).rejects.not.toThrow(TOKEN);
  });
});

describe('no promoter', () => {
  it('only says so', async () => {
    expect(await createPromoter({ strategy: 'none' }).promote(state({}))).toBe(
      'no promotion configured (promote.strategy "none"): canary v2 passed, roll it out yourself',
    );
  });
});
