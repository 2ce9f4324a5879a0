import { cloudWatchDimensionValue } from '../../../local/router/arn';
import { LocalRouter } from '../../../local/router/local-router';
import { countBy, getMany, startBackend, type TestBackend } from '../../support/local-http';

/**
 * A router started with its production fleet (as `canary-judge run` and `npm start` start it) and loaded at
 * once: what the router counts against production is exactly what production answered. Production's first
 * health check answers only after 300 ms, so a listener that opened before that check would answer the first
 * requests itself (503, no healthy target) and book them as production's 5xx.
 */

describe('LocalRouter started with production targets', () => {
  let production: TestBackend;
  let router: LocalRouter;

  beforeEach(async () => {
    production = await startBackend('production', { failEvery: 4, healthDelayMs: 300 });
    router = new LocalRouter({
      production: {
        targets: [{ id: '127.0.0.1', port: production.port }],
        healthCheck: { path: '/health', intervalSeconds: 1, timeoutSeconds: 0.8 },
      },
    });
  });

  afterEach(async () => {
    await router.stop();
    await production.close();
  });

  it('counts as production 5xx only the 5xx production answered, from the first request on', async () => {
    const endpoints = await router.start();
    const answers = await getMany(`${endpoints.url}/work`, 200, 8);

    const seconds = router.metrics.read(
      cloudWatchDimensionValue(endpoints.productionTargetGroupArn),
      0,
      Math.floor(Date.now() / 1000) + 1,
    );
    const total = (metric: string) => seconds.reduce((sum, s) => sum + (s.counts.get(metric) ?? 0), 0);
    expect(total('HTTPCode_ELB_5XX_Count')).toBe(0);
    expect(total('HTTPCode_Target_5XX_Count')).toBe(production.errors);
    expect(total('RequestCount')).toBe(production.hits);
    expect(production.hits).toBe(200);
    expect(production.errors).toBe(50);
    expect(countBy(answers, (a) => String(a.status))).toEqual({ '200': 150, '500': 50 });
  });
});
