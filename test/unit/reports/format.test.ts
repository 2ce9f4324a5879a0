import {
  formatDuration,
  formatPercent,
  formatScore,
  formatSpan,
  formatTime,
  percentChange,
} from '../../../shared/reports/format';
import { formatValue } from '../../../shared/judge/units';

describe('report formatting', () => {
  it('prints metric values with 3 significant digits', () => {
    expect([0, 0.0123, 0.00001234, -0.5, 412, 1234, 12345, 999_999, 2.5e9, 999.7, NaN, null].map(formatValue)).toEqual([
      '0',
      '0.0123',
      '1.23e-5',
      '-0.5',
      '412',
      '1234',
      '12.3k',
      '1M',
      '2.5G',
      '1000',
      '–',
      '–',
    ]);
  });

  it('computes and prints relative change', () => {
    expect(percentChange(0.1, 0.12)).toBeCloseTo(20, 12);
    expect(percentChange(-2, -1)).toBeCloseTo(50, 12);
    expect(percentChange(0, 1)).toBeNull();
    expect(percentChange(null, 1)).toBeNull();
    expect([18.43, -3.04, 0, 250.3, -0.04, null].map(formatPercent)).toEqual([
      '+18.4%',
      '-3.0%',
      '0.0%',
      '+250%',
      '0.0%',
      '–',
    ]);
  });

  it('prints scores, times and durations', () => {
    expect([82.5, 100, 0, 66.67].map(formatScore)).toEqual(['82.5', '100', '0', '66.67']);
    expect(formatTime('2026-11-22T14:03:05.120Z')).toBe('2026-11-22 14:03:05 UTC');
    expect(formatTime('not a time')).toBe('not a time');
    expect([3_900_000, 750_000, 45_000].map(formatDuration)).toEqual(['1h 05m', '12m 30s', '45s']);
  });

  it('prints a span with the end date only when the end is on another day', () => {
    expect(formatSpan('2026-11-22T14:00:00.000Z', '2026-11-22T14:10:00.000Z')).toBe('2026-11-22 14:00:00 – 14:10:00');
    expect(formatSpan('2026-11-22T14:00:00.000Z', '2026-11-23T14:00:00.000Z')).toBe(
      '2026-11-22 14:00:00 – 2026-11-23 14:00:00',
    );
  });
});
