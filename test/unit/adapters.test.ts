import { createAdapters } from '../../shared/adapters';
import { runInputSchema, type RunInputRaw } from '../../shared/config/run-config';
import { ValidationError } from '../../shared/config/validation';
import { Ec2Fleet } from '../../shared/fleet/ec2-fleet';
import { LocalFleet } from '../../shared/fleet/local-fleet';
import { CloudWatchSource } from '../../shared/metrics/cloudwatch-source';
import { LocalMetricSource } from '../../shared/metrics/local-source';
import { PrometheusSource } from '../../shared/metrics/prometheus-source';
import { EventBridgeNotifier } from '../../shared/notify/eventbridge-notifier';
import { SecretSlackNotifier } from '../../shared/notify/secret-slack-notifier';
import { SlackNotifier } from '../../shared/notify/slack-notifier';
import { FileReportStore } from '../../shared/reports/file-report-store';
import { S3ReportStore } from '../../shared/reports/s3-report-store';
import { AlbTraffic } from '../../shared/traffic/alb-traffic';
import { LocalTraffic } from '../../shared/traffic/local-traffic';
import { localRunInput } from '../support/run-inputs';

const aws = { launchTemplate: { launchTemplateName: 'checkout' } };
const parse = (raw: RunInputRaw) => runInputSchema.parse(raw);
const awsInput = (over: Partial<RunInputRaw> = {}) =>
  parse(
    localRunInput({
      target: 'aws',
      baseline: { version: '1', aws },
      canary: { version: '2', aws },
      metricsSource: { type: 'cloudwatch' },
      ...over,
    }),
  );
const LOCAL_ENV = { CANARY_JUDGE_ROUTER_URL: 'http://127.0.0.1:9', CANARY_JUDGE_REPORTS_DIR: '/tmp/r' };

function missingEnv(run: () => unknown): string[] {
  try {
    run();
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.issues.map((i) => i.path);
  }
}

describe('createAdapters', () => {
  it('builds the local adapters for a local run', () => {
    const a = createAdapters(parse(localRunInput()), LOCAL_ENV);
    expect(a.fleet).toBeInstanceOf(LocalFleet);
    expect(a.traffic).toBeInstanceOf(LocalTraffic);
    expect(a.metrics).toBeInstanceOf(LocalMetricSource);
    expect(a.reports).toBeInstanceOf(FileReportStore);
    expect(a.notifiers).toEqual([]);
  });

  it('builds the AWS adapters for an AWS run, the metrics source by its type', () => {
    const a = createAdapters(awsInput(), { REPORTS_BUCKET: 'reports' });
    expect(a.fleet).toBeInstanceOf(Ec2Fleet);
    expect(a.traffic).toBeInstanceOf(AlbTraffic);
    expect(a.metrics).toBeInstanceOf(CloudWatchSource);
    expect(a.reports).toBeInstanceOf(S3ReportStore);
    expect(a.notifiers.map((n) => n.constructor)).toEqual([EventBridgeNotifier]);
    const prometheus = awsInput({
      metricsSource: { type: 'prometheus', url: 'http://127.0.0.1:9090' },
      canaryConfig: {
        metrics: [{ name: 'p99', preset: 'latency-p99' }],
        classifier: { groupWeights: { latency: 100 } },
      },
    });
    const prom = createAdapters(prometheus, { REPORTS_BUCKET: 'r' });
    expect(prom.metrics).toBeInstanceOf(PrometheusSource);
  });

  it('names the environment variable a target needs', () => {
    expect(missingEnv(() => createAdapters(parse(localRunInput()), {}))).toEqual(['CANARY_JUDGE_ROUTER_URL']);
    expect(missingEnv(() => createAdapters(awsInput(), {}))).toEqual(['REPORTS_BUCKET']);
  });

  it('adds Slack by URL or by secret, and EventBridge only on AWS when events are on', () => {
    const byUrl = createAdapters(
      parse(localRunInput({ notifications: { slack: { webhookUrl: 'http://127.0.0.1:1/services/x' } } })),
      LOCAL_ENV,
    );
    expect(byUrl.notifiers.map((n) => n.constructor)).toEqual([SlackNotifier]);
    const bySecret = createAdapters(
      awsInput({ notifications: { slack: { webhookSecretArn: 'arn:s' }, events: false } }),
      { REPORTS_BUCKET: 'r' },
    );
    expect(bySecret.notifiers.map((n) => n.constructor)).toEqual([SecretSlackNotifier]);
  });

  it('uses the configured promoter', async () => {
    const a = createAdapters(parse(localRunInput()), LOCAL_ENV);
    const state = { input: { canary: { version: '1.42.0' } } } as never;
    expect(await a.promoter.promote(state)).toMatch(/no promotion configured .*1\.42\.0/);
  });
});
