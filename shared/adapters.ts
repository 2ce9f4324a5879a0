import type { MetricsSourceConfig, RunInput } from './config/run-config';
import { ValidationError } from './config/validation';
import { Ec2Fleet } from './fleet/ec2-fleet';
import type { Fleet } from './fleet/fleet';
import { LocalFleet } from './fleet/local-fleet';
import { CloudWatchSource } from './metrics/cloudwatch-source';
import { LocalMetricSource } from './metrics/local-source';
import type { MetricSource } from './metrics/metric-source';
import { PrometheusSource } from './metrics/prometheus-source';
import { EventBridgeNotifier } from './notify/eventbridge-notifier';
import type { Notifier } from './notify/notifier';
import { SecretSlackNotifier } from './notify/secret-slack-notifier';
import { SlackNotifier, slackEventKinds } from './notify/slack-notifier';
import { stderrLog } from './notify/stderr-log';
import { createPromoter, type Promoter } from './promote';
import { FileReportStore } from './reports/file-report-store';
import type { ReportStore } from './reports/report-store';
import { S3ReportStore } from './reports/s3-report-store';
import type { RunLog } from './run-model/run-log';
import { SecretCache } from './secrets';
import { AlbTraffic } from './traffic/alb-traffic';
import { LocalTraffic } from './traffic/local-traffic';
import type { Traffic } from './traffic/traffic';

/**
 * The adapters of one run, picked by its target (aws | local) and its metrics source. The handlers are the
 * same everywhere; only this factory knows the concrete classes and the environment they are configured by.
 *
 * local: CANARY_JUDGE_ROUTER_URL (the local router's admin API, required), CANARY_JUDGE_STATE_DIR
 *        (LocalFleet's bookkeeping, default .canary-judge/state), CANARY_JUDGE_REPORTS_DIR (default reports).
 * aws:   REPORTS_BUCKET (required), REPORTS_PREFIX (optional), EVENT_BUS_NAME (default bus when absent).
 */

export interface Adapters {
  fleet: Fleet;
  traffic: Traffic;
  metrics: MetricSource;
  reports: ReportStore;
  notifiers: Notifier[];
  promoter: Promoter;
}

export const DEFAULT_STATE_DIR = '.canary-judge/state';
export const DEFAULT_REPORTS_DIR = 'reports';

function requiredEnv(env: NodeJS.ProcessEnv, name: string, why: string): string {
  const value = env[name];
  if (!value) throw new ValidationError('environment', [{ path: name, message: `not set; ${why}` }]);
  return value;
}

/** The metrics source a config names (runs and analyses alike). */
export function createMetricSource(source: MetricsSourceConfig, env: NodeJS.ProcessEnv = process.env): MetricSource {
  switch (source.type) {
    case 'cloudwatch':
      return new CloudWatchSource({ periodSeconds: source.periodSeconds, region: source.region });
    case 'prometheus':
      return new PrometheusSource({
        url: source.url,
        stepSeconds: source.stepSeconds,
        scopeSelector: source.scopeSelector,
        sigv4: source.sigv4,
      });
    case 'local':
      return new LocalMetricSource({
        routerUrl: requiredEnv(env, 'CANARY_JUDGE_ROUTER_URL', 'the local metrics source reads the local router'),
        periodSeconds: source.periodSeconds,
      });
  }
}

// One per Lambda container: warm invocations do not read the Slack secret again.
let secretCache: SecretCache | undefined;

function notifiers(input: RunInput, env: NodeJS.ProcessEnv, logger: RunLog): Notifier[] {
  const list: Notifier[] = [];
  const slack = input.notifications.slack;
  if (slack) {
    const options = { events: slackEventKinds(slack), logger };
    if (slack.webhookUrl) list.push(new SlackNotifier({ ...options, webhookUrl: slack.webhookUrl }));
    else if (slack.webhookSecretArn) {
      secretCache ??= new SecretCache();
      list.push(new SecretSlackNotifier(slack.webhookSecretArn, secretCache, options));
    }
  }
  if (input.target === 'aws' && input.notifications.events) {
    list.push(new EventBridgeNotifier({ eventBusName: env.EVENT_BUS_NAME || undefined, logger }));
  }
  return list;
}

/** A run's traffic and fleet adapters; `routerUrl` is the local router's admin URL (local only). */
export function trafficAndFleet(
  target: RunInput['target'],
  env: NodeJS.ProcessEnv,
  routerUrl = '',
): { traffic: Traffic; fleet: Fleet } {
  if (target === 'local') {
    return {
      traffic: new LocalTraffic({ routerUrl }),
      fleet: new LocalFleet({ routerUrl, stateDir: env.CANARY_JUDGE_STATE_DIR || DEFAULT_STATE_DIR }),
    };
  }
  return { traffic: new AlbTraffic({}), fleet: new Ec2Fleet({}) };
}

/** `log` receives what adapters report without failing the run (undelivered notifications). */
export function createAdapters(
  input: RunInput,
  env: NodeJS.ProcessEnv = process.env,
  log: RunLog = stderrLog,
): Adapters {
  const shared = {
    metrics: createMetricSource(input.metricsSource, env),
    notifiers: notifiers(input, env, log),
    promoter: createPromoter(input.promote),
  };
  if (input.target === 'local') {
    const routerUrl = requiredEnv(
      env,
      'CANARY_JUDGE_ROUTER_URL',
      'local runs need the local router (canary-judge run starts one)',
    );
    return {
      ...shared,
      ...trafficAndFleet('local', env, routerUrl),
      reports: new FileReportStore(env.CANARY_JUDGE_REPORTS_DIR || DEFAULT_REPORTS_DIR),
    };
  }
  return {
    ...shared,
    ...trafficAndFleet('aws', env),
    reports: new S3ReportStore({
      bucket: requiredEnv(env, 'REPORTS_BUCKET', 'the S3 bucket for run reports'),
      prefix: env.REPORTS_PREFIX,
    }),
  };
}

/**
 * Where an analysis writes its report: the given folder (the CLI's --reports-dir), else the report bucket
 * (REPORTS_BUCKET, the analyze Lambda).
 */
export function analysisReportStore(env: NodeJS.ProcessEnv, reportsDir?: string): ReportStore {
  if (reportsDir !== undefined) return new FileReportStore(reportsDir);
  return new S3ReportStore({
    bucket: requiredEnv(env, 'REPORTS_BUCKET', 'the S3 bucket for analysis reports'),
    prefix: env.REPORTS_PREFIX,
  });
}
