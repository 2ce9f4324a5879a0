import type { CanaryConfigInput } from '../../../shared/judge/canary-config';
import { judge } from '../../../shared/judge/judge';
import type { HistogramSamples, MetricResult } from '../../../shared/judge/types';
import { metricTable as slackMetricTable } from '../../../shared/notify/slack-message';
import { metricFinding, metricRowFromResult, valuesText } from '../../../shared/reports/metric-rows';
import { metricCard, metricTable as htmlMetricTable } from '../../../shared/reports/report-metrics';
import { toMetricBrief } from '../../../shared/run-model/metric-brief';
import { metricBriefSchema } from '../../../shared/run-model/run-state-schema';

/**
 * Histogram metrics (requests per latency bucket) as people read them: the mean of all requests of each side with
 * their number and the mean change, in the terminal and summary sentence, the Slack table and the HTML report. 4,000
 * requests a side, means 150 ms and 180 ms.
 */

const config: CanaryConfigInput = {
  metrics: [
    {
      name: 'latency',
      unit: 'seconds',
      groups: ['latency'],
      analysisConfigurations: {
        canary: { direction: 'increase', effectSize: { allowedIncrease: 1.05 } },
      },
    },
  ],
  classifier: { groupWeights: { latency: 100 } },
};
const side = (perPeriod: number[], mean: number): HistogramSamples => ({
  bounds: [0.05, 0.1, 0.25, 0.5],
  counts: [perPeriod, perPeriod, perPeriod, perPeriod],
  sums: Array(4).fill(perPeriod.reduce((a, b) => a + b, 0) * mean),
});
const judged = (): MetricResult =>
  judge(config, {
    latency: { baseline: side([100, 300, 400, 150, 50], 0.15), canary: side([60, 260, 430, 180, 70], 0.18) },
  }).metrics[0];

describe('a histogram metric in rows, Slack and the HTML report', () => {
  it('keeps the requests and means in the run state brief, which its schema reads back', () => {
    const brief = toMetricBrief(judged(), 'seconds');
    expect(brief.histogram).toEqual({
      baseline: { requests: 4000, mean: expect.closeTo(0.15, 12) },
      canary: { requests: 4000, mean: expect.closeTo(0.18, 12) },
      meanRatio: expect.closeTo(1.2, 12),
    });
    expect(metricBriefSchema.parse(JSON.parse(JSON.stringify(brief)))).toEqual(brief);
  });

  it('terminal and summary sentence: the means of all requests and the mean change', () => {
    const row = metricRowFromResult(judged(), 'seconds');
    expect(valuesText(row)).toBe('mean 150 ms of 4,000 → 180 ms of 4,000 requests (mean +20.0%)');
    expect(metricFinding(row)).toBe(
      'latency is higher on the canary (mean 150 ms of 4,000 → 180 ms of 4,000 requests, mean +20.0%)',
    );
  });

  it('Slack: the means and the mean change', () => {
    expect(slackMetricTable([metricRowFromResult(judged(), 'seconds')])).toContain(
      '✗ latency  High  mean 150 ms → 180 ms  +20.0%',
    );
  });

  it('HTML: means with their requests, mean change as change and effect, no shift, the test p; the card says what was compared', () => {
    const metric = judged();
    const html = htmlMetricTable([metric], new Map([['latency', { unit: 'seconds' }]]));
    const tr = html.match(/<tr data-metric="latency">([\s\S]*?)<\/tr>/)![1];
    const cells = [...tr.matchAll(/<td class="num"[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    const p = metric.histogram!.pHigher;
    expect(p).toBeLessThan(1e-4);
    expect(cells).toEqual(['150 ms (4,000 req.)', '180 ms (4,000 req.)', '+20.0%', '–', '–', '+20.0%', '&lt;0.0001']);
    expect(html).toContain('Histogram metrics (latency buckets) show the mean of all requests');
    const card = metricCard(metric, undefined, 'seconds');
    const share = `${(metric.histogram!.slowerShare! * 100).toFixed(1)}%`;
    expect(card).toContain(
      `n = 4,000 baseline / 4,000 canary requests in 5 buckets; Mann-Whitney on the requests: a canary request is the ` +
        `higher of a pair in ${share}, one-sided p &lt;0.0001 higher, 1.0000 lower; mean change +20.0% (mean of all ` +
        'requests, ratio 1.2)',
    );
    // the requests per bucket as each version's share: 400 of 4,000 baseline requests at or below 50 ms, 240 canary ones
    expect(card).toContain('data-plot="buckets"');
    expect(card).toMatch(/data-series="baseline" data-bucket="≤ 50 ms" data-share="0.1"/);
    expect(card).toMatch(/data-series="canary" data-bucket="≤ 50 ms" data-share="0.06"/);
  });

  it('HTML with effectSize.floorConfidence: the effect cell and the card name the bound the floors applied to', () => {
    const bounded = structuredClone(config);
    bounded.metrics[0].analysisConfigurations!.canary!.effectSize = { allowedIncrease: 1.05, floorConfidence: 0.8 };
    const metric = judge(bounded, {
      latency: { baseline: side([100, 300, 400, 150, 50], 0.15), canary: side([60, 260, 430, 180, 70], 0.18) },
    }).metrics[0];
    const bound = `+${((metric.histogram!.meanRatioBound! - 1) * 100).toFixed(1)}%`;
    expect(bound).toBe('+18.1%');
    const html = htmlMetricTable([metric], new Map([['latency', { unit: 'seconds' }]]));
    const tr = html.match(/<tr data-metric="latency">([\s\S]*?)<\/tr>/)![1];
    const cells = [...tr.matchAll(/<td class="num"[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    expect(cells.slice(2, 6)).toEqual(['+20.0%', '–', '–', `${bound} (80% bound)`]);
    expect(metricCard(metric, undefined, 'seconds')).toContain(
      `mean change +20.0% (mean of all requests, ratio 1.2; the floors apply to its 80% bound, ${bound})`,
    );
  });
});
