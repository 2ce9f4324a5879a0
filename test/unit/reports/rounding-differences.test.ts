import { judge } from '../../../shared/judge/judge';
import { metricCard, metricTable } from '../../../shared/reports/report-metrics';

/**
 * A canary whose values equal the baseline's up to floating-point rounding: the judge keeps the exact Hodges-Lehmann
 * estimate (about 1e-15 s), and the report shows no shift instead of "+1.05e-12 ms".
 */
describe('a shift that is floating-point rounding, in the HTML report', () => {
  const baseline = [0.3, 0.31, 0.32, 0.33, 0.34, 0.35, 0.36];
  const canary = baseline.map((v) => (v * 10 + 1e-14) / 10);
  const metric = judge(
    {
      metrics: [{ name: 'latency', unit: 'seconds', groups: ['latency'] }],
      classifier: { groupWeights: { latency: 100 } },
    },
    { latency: { baseline, canary } },
  ).metrics[0];

  it('keeps the exact estimate in the result', () => {
    expect(metric.estimate).not.toBe(0);
    expect(Math.abs(metric.estimate ?? NaN)).toBeLessThan(1e-14);
  });

  it('shows the shift as 0 ms in the table and on the card, and the interval ends in ms', () => {
    const info = new Map([['latency', { unit: 'seconds' }]]);
    const row = /<tr data-metric="latency">[\s\S]*?<\/tr>/.exec(metricTable([metric], info))?.[0] ?? '';
    expect(row).toContain('<td class="num" data-field="shift">0 ms</td>');
    expect(row).toContain('<td class="num">[-40 ms, +40 ms]</td>');
    const timestamps = baseline.map((_, i) => i * 60_000);
    const series = {
      name: 'latency',
      baseline: { timestamps, values: baseline },
      canary: { timestamps, values: canary },
    };
    const card = metricCard(metric, series, 'seconds');
    expect(card).toContain('data-plot="distribution"');
    expect(card).toMatch(/>0 ms \[\d+% CI -40 ms, \+40 ms\]</);
    // the exact estimate stays in the chart's data attribute, for machines; no text shows it
    expect(card).toContain('data-estimate="1.0547118733938987e-15"');
    expect(card).not.toMatch(/>[^<]*e-1\d[^<]*</);
  });
});
