import { canaryConfigSchema } from '../../../shared/judge/canary-config';
import { formatDifference, formatMeasure, metricUnits } from '../../../shared/judge/units';

describe('values in their unit', () => {
  it('shows seconds in ms (s from 1 s), shares in %, counts plain, own labels after the number', () => {
    expect([0.0222, 0.3456, 1.5, 0.0004, 0].map((v) => formatMeasure(v, 'seconds'))).toEqual([
      '22.2 ms',
      '346 ms',
      '1.5 s',
      '0.4 ms',
      '0 ms',
    ]);
    expect([0.167, 0.0041, 0, 1].map((v) => formatMeasure(v, 'ratio'))).toEqual(['16.7%', '0.41%', '0%', '100%']);
    expect(formatMeasure(41.25, 'percent')).toBe('41.3%');
    expect(formatMeasure(12_345, 'count')).toBe('12.3k');
    expect(formatMeasure(202.4, 'req/s')).toBe('202 req/s');
    expect(formatMeasure(0.0123)).toBe('0.0123');
    expect([null, undefined, NaN].map((v) => formatMeasure(v, 'seconds'))).toEqual(['–', '–', '–']);
  });

  it('signs differences, with shares in percentage points', () => {
    expect(formatDifference(0.0101, 'seconds')).toBe('+10.1 ms');
    expect(formatDifference(-0.0021, 'seconds')).toBe('-2.1 ms');
    expect(formatDifference(0.167, 'ratio')).toBe('+16.7 pp');
    expect(formatDifference(-0.26, 'percent')).toBe('-0.26 pp');
    expect(formatDifference(0, 'ratio')).toBe('0 pp');
    expect(formatDifference(0, 'seconds')).toBe('0 ms');
    expect(formatDifference(3, 'req/s')).toBe('+3 req/s');
    expect(formatDifference(null, 'seconds')).toBe('–');
  });

  it("reads each metric's unit from a canary config, presets included", () => {
    const config = canaryConfigSchema.parse({
      metrics: [
        { name: 'p99', preset: 'latency-p99' },
        { name: '5xx', preset: 'error-rate-5xx' },
        { name: 'queue', unit: 'jobs', groups: ['x'] },
        { name: 'custom', groups: ['x'] },
      ],
    });
    expect([...metricUnits(config)]).toEqual([
      ['p99', 'seconds'],
      ['5xx', 'ratio'],
      ['queue', 'jobs'],
    ]);
  });
});

describe('differences under floating-point rounding', () => {
  it('shows a difference under 1e-12 of the values it is a difference of as 0, and every larger one', () => {
    expect(formatDifference(0.1 + 0.2 - 0.3, 'seconds', 0.3)).toBe('0 ms');
    expect(formatDifference(-2.08e-17, 'ratio', 0.02)).toBe('0 pp');
    expect(formatDifference(1e-9, 'seconds', 0.3)).toBe('+1e-6 ms');
    // without a scale nothing is rounding
    expect(formatDifference(0.1 + 0.2 - 0.3, 'seconds')).toBe('+5.55e-14 ms');
  });
});
