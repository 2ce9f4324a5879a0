import type { RunInputRaw } from '../../shared/config/run-config';

/** Run inputs for tests: a local run of the sample service with the CloudWatch-shaped queries the local router answers. */

export const TEST_LISTENER_ARN =
  'arn:aws:elasticloadbalancing:local:000000000000:listener/app/test/0123456789abcdef/fedcba9876543210';
export const TEST_PRODUCTION_TG_ARN =
  'arn:aws:elasticloadbalancing:local:000000000000:targetgroup/production/0123456789abcdef';

const alb = (metricName: string, stat: string) => ({
  type: 'cloudwatch' as const,
  namespace: 'AWS/ApplicationELB',
  metricName,
  stat,
});

export const LATENCY_METRIC = {
  name: 'latency',
  unit: 'seconds',
  groups: ['latency'],
  query: alb('TargetResponseTime', 'Average'),
  analysisConfigurations: {
    canary: { direction: 'increase' as const, effectSize: { allowedIncrease: 1.2 } },
  },
};

export const ERROR_RATE_METRIC = {
  name: 'error-rate',
  unit: 'ratio',
  groups: ['errors'],
  query: {
    type: 'cloudwatch-ratio' as const,
    numerator: alb('HTTPCode_Target_5XX_Count', 'Sum'),
    denominator: alb('RequestCount', 'Sum'),
  },
  analysisConfigurations: {
    canary: { direction: 'increase' as const, critical: true, nanStrategy: 'replace' as const },
  },
};

export function localRunInput(overrides: Partial<RunInputRaw> = {}): RunInputRaw {
  const command = ['node', 'dist/local/sample-service/main.js'];
  return {
    target: 'local',
    service: 'checkout',
    baseline: { version: '1.41.0', local: { command } },
    canary: { version: '1.42.0', local: { command } },
    traffic: { listenerArn: TEST_LISTENER_ARN, productionTargetGroupArn: TEST_PRODUCTION_TG_ARN },
    healthCheck: { path: '/health', intervalSeconds: 1, timeoutSeconds: 30 },
    steps: [
      { weight: 10, durationSeconds: 10 },
      { weight: 25, durationSeconds: 10 },
      { weight: 50, durationSeconds: 10 },
    ],
    metricsSource: { type: 'local', periodSeconds: 1 },
    canaryConfig: {
      name: 'checkout',
      metrics: [ERROR_RATE_METRIC, LATENCY_METRIC],
      classifier: { groupWeights: { errors: 50, latency: 50 } },
    },
    ...overrides,
  };
}
