import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runInputSchema } from '../../../shared/config/run-config';
import { resolveMetricQuery } from '../../../shared/config/metric-presets';

/** examples/console-input.json is what the README tells people to paste into "Start execution". */
describe('examples/console-input.json', () => {
  const raw = JSON.parse(readFileSync(path.join(__dirname, '../../../examples/console-input.json'), 'utf8'));

  it('is a valid run input for target aws', () => {
    const result = runInputSchema.safeParse(raw);
    expect(result.error?.issues ?? []).toEqual([]);
    expect(result.data).toMatchObject({ target: 'aws', service: 'checkout', canary: { version: '1.42.0' } });
    expect(result.data!.canary.aws?.launchTemplate.version).toBe('8');
  });

  it('names every metric in a way the CloudWatch source can read', () => {
    const input = runInputSchema.parse(raw);
    for (const metric of input.canaryConfig.metrics) {
      expect(() => resolveMetricQuery(metric, input.metricsSource.type)).not.toThrow();
    }
  });
});
