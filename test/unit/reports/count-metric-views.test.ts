import type { CanaryConfigInput } from '../../../shared/judge/canary-config';
import { judge } from '../../../shared/judge/judge';
import type { MetricResult } from '../../../shared/judge/types';
import { metricTable as slackMetricTable } from '../../../shared/notify/slack-message';
import {
  metricFinding,
  metricRowFromBrief,
  metricRowFromResult,
  valuesText,
  type MetricRow,
} from '../../../shared/reports/metric-rows';
import { metricCard, metricTable as htmlMetricTable } from '../../../shared/reports/report-metrics';
import { toMetricBrief } from '../../../shared/run-model/metric-brief';
import type { MetricBrief } from '../../../shared/run-model/run-state';
import { metricBriefSchema } from '../../../shared/run-model/run-state-schema';

/**
 * Count metrics (events of requests) as people read them: each side's rate with its counts, the rate ratio canary /
 * baseline and its interval, in the terminal and summary sentence (metric-rows), the Slack table and the HTML
 * report's metric table. 24 of 12,010 against 49 of 11,920: rates 0.2 % and 0.41 %, rate ratio ×2.06.
 */

type Counts = NonNullable<MetricBrief['counts']>;

const RATIO = 49 / 11920 / (24 / 12010); // 2.0571…
const COUNTS: Counts = {
  baseline: { events: 24, total: 12010 },
  canary: { events: 49, total: 11920 },
  rateRatio: RATIO,
  lower: 1.2712,
  upper: 3.3149,
};

const brief = (counts: Counts, classification = 'High'): MetricBrief => ({
  name: 'errors-5xx',
  classification,
  critical: true,
  counts,
  reason: null,
});
const row = (counts: Counts, classification?: string): MetricRow =>
  metricRowFromBrief(brief(counts, classification), { unit: 'ratio' });

describe('metric rows of a count metric (terminal, summary sentence)', () => {
  it('rates with their counts, then the rate ratio and its interval', () => {
    expect(valuesText(row(COUNTS))).toBe(
      'rate 0.2% (24 of 12,010) → 0.41% (49 of 11,920) (rate ×2.06 [CI ×1.27, ×3.31])',
    );
    expect(metricFinding(row(COUNTS))).toBe(
      'errors-5xx is higher on the canary (rate 0.2% (24 of 12,010) → 0.41% (49 of 11,920), rate ×2.06 [CI ×1.27, ×3.31])',
    );
  });

  it("at the run's last look the exact test's interval joins the confidence sequence", () => {
    const last = { ...COUNTS, exact: { lower: 1.4012, upper: 3.0321 } };
    expect(valuesText(row(last))).toBe(
      'rate 0.2% (24 of 12,010) → 0.41% (49 of 11,920) (rate ×2.06 [CI ×1.27, ×3.31; exact test ×1.4, ×3.03])',
    );
  });

  it('no interval computed: the ratio alone; an unbounded upper end: ×∞', () => {
    expect(valuesText(row({ ...COUNTS, lower: null, upper: null }))).toBe(
      'rate 0.2% (24 of 12,010) → 0.41% (49 of 11,920) (rate ×2.06)',
    );
    expect(valuesText(row({ ...COUNTS, lower: 0.5, upper: null }))).toBe(
      'rate 0.2% (24 of 12,010) → 0.41% (49 of 11,920) (rate ×2.06 [CI ×0.5, ×∞])',
    );
  });

  it('no baseline events (no ratio) and no requests (no rate): the counts still say what was seen', () => {
    const none = { ...COUNTS, baseline: { events: 0, total: 12010 }, rateRatio: null, lower: null, upper: null };
    expect(valuesText(row(none, 'Pass'))).toBe('rate 0% (0 of 12,010) → 0.41% (49 of 11,920)');
    const empty = { ...none, canary: { events: 0, total: 0 } };
    expect(valuesText(row(empty, 'Nodata'))).toBe('rate 0% (0 of 12,010) → - (0 of 0)');
  });
});

describe('the Slack table', () => {
  it('a count metric shows the rates and the rate ratio, aligned with a continuous metric', () => {
    const latency = metricRowFromBrief(
      { name: 'latency-p99', classification: 'Pass', critical: false, baselineMedian: 0.2, canaryMedian: 0.21 },
      { unit: 'seconds' },
    );
    expect(slackMetricTable([latency, row(COUNTS)])).toBe(
      [
        '*Metrics* (baseline → canary median and change, rate and rate ratio, or mean of all requests and change; * critical)',
        '```',
        '✗ errors-5xx*  High  0.2% → 0.41%     ×2.06',
        '✓ latency-p99  Pass  200 ms → 210 ms  +5.0%',
        '```',
      ].join('\n'),
    );
  });

  it('no ratio: ×-', () => {
    const none = { ...COUNTS, baseline: { events: 0, total: 12010 }, rateRatio: null, lower: null, upper: null };
    expect(slackMetricTable([row(none, 'Pass')])).toContain('✓ errors-5xx*  Pass  0% → 0.41%  ×-');
  });
});

describe("the HTML report's metric table", () => {
  const config: CanaryConfigInput = {
    metrics: [
      { name: 'errors-5xx', groups: ['errors'], analysisConfigurations: { canary: { direction: 'increase' } } },
    ],
    classifier: { groupWeights: { errors: 100 } },
  };
  const data = {
    'errors-5xx': {
      baseline: { events: [6, 5, 7, 6], totals: [3000, 3005, 3000, 3005] },
      canary: { events: [12, 13, 11, 13], totals: [2980, 2980, 2980, 2980] },
    },
  };
  const judged = (): MetricResult => judge(config, data).metrics[0];

  /** The numeric cells of the metric's row, in column order. */
  function cells(metric: MetricResult): string[] {
    const html = htmlMetricTable([metric]);
    const tr = html.match(/<tr data-metric="errors-5xx">([\s\S]*?)<\/tr>/)![1];
    return [...tr.matchAll(/<td class="num"[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
  }

  it("rates with counts in the median columns, the rate ratio as change and effect, the count test's interval", () => {
    const metric = judged();
    expect(metric.kind).toBe('counts');
    const [lower, upper] = [metric.counts!.lower!, metric.counts!.upper!];
    expect(lower).toBeLessThan(RATIO);
    expect(upper).toBeGreaterThan(RATIO);
    const ratio = (x: number) => `×${Number(x.toPrecision(3))}`;
    expect(cells(metric)).toEqual([
      '0.2% (24 of 12,010)',
      '0.41% (49 of 11,920)',
      '×2.06',
      '–',
      `[${ratio(lower)}, ${ratio(upper)}]`,
      '×2.06',
      '–',
    ]);
  });

  it('the interval as given, ×∞ for an unbounded upper end, – when none was computed', () => {
    const metric = judged();
    const withCounts = (c: Partial<NonNullable<MetricResult['counts']>>): MetricResult => ({
      ...metric,
      counts: { ...metric.counts!, ...c },
    });
    expect(cells(withCounts({ lower: 1.2712, upper: 3.3149 }))[4]).toBe('[×1.27, ×3.31]');
    expect(cells(withCounts({ lower: 0.5, upper: null }))[4]).toBe('[×0.5, ×∞]');
    expect(cells(withCounts({ lower: null, upper: null }))[4]).toBe('–');
  });

  it("the metric's card: the rate ratio with its interval, and no shift drawn from the ratio in the rate's unit", () => {
    const metric = judged();
    const ratio = (x: number) => `×${Number(x.toPrecision(3))}`;
    const series = (values: number[]) => ({ timestamps: values.map((_, i) => i * 60_000), values });
    const html = metricCard(
      metric,
      {
        name: 'errors-5xx',
        baseline: series(data['errors-5xx'].baseline.events.map((e, i) => e / data['errors-5xx'].baseline.totals[i])),
        canary: series(data['errors-5xx'].canary.events.map((e, i) => e / data['errors-5xx'].canary.totals[i])),
      },
      'ratio',
    );
    expect(html).toContain(
      `n = 4 baseline / 4 canary periods; rate ratio ×2.06 [CI ${ratio(metric.counts!.lower!)}, ${ratio(metric.counts!.upper!)}] ` +
        '(anytime-valid test: a confidence sequence, valid at whichever look it is read)',
    );
    expect(html).not.toContain('mean change');
    // ×2.06 drawn as a shift of a share would read "+206 pp"
    expect(html).toContain('data-plot="distribution"');
    expect(html).not.toContain('data-shift');
    expect(html).not.toMatch(/\d pp/);
  });

  it("adds the last look's exact test, its p-values and level, where one joined the anytime-valid test", () => {
    const metric = judge(config, data, undefined, { countConfidenceLevel: 0.99, countFinalConfidenceLevel: 0.98 })
      .metrics[0];
    const f = metric.counts!.finalTest!;
    expect(f.alpha).toBeCloseTo(0.01, 15);
    const stats = /<p class="stats">([^<]*)<\/p>/.exec(metricCard(metric, undefined, 'ratio'))?.[1];
    const short = (x: number) => String(Number(x.toPrecision(4)));
    expect(stats).toMatch(
      /^n = 4 baseline \/ 4 canary periods; rate ratio ×2\.06 \[CI ×[\d.]+, ×[\d.]+\] \(anytime-valid/,
    );
    expect(stats).toContain(
      `; at the last look of the run, the exact test of all its counts: p ${short(f.pIncrease)} higher, ` +
        `${short(f.pDecrease)} lower, rate ratio [×${Number(f.lower!.toPrecision(3))}, ×${Number(f.upper!.toPrecision(3))}] at 98% (proven at ≤ 0.01)`,
    );
    expect(f.pIncrease).toBeLessThan(0.01);
    // the exact interval at the last look is narrower than the confidence sequence shown before it
    expect(f.lower!).toBeGreaterThan(metric.counts!.lower!);
    expect(f.upper!).toBeLessThan(metric.counts!.upper!);
    expect(f.lower!).toBeGreaterThan(1);
    // the run state's brief keeps it (its schema reads it back), and the terminal's row shows it
    const kept = toMetricBrief(metric, 'ratio');
    expect(kept.counts?.exact).toEqual({ lower: f.lower, upper: f.upper });
    expect(metricBriefSchema.parse(JSON.parse(JSON.stringify(kept)))).toEqual(kept);
    expect(valuesText(metricRowFromBrief(kept, { unit: 'ratio' }))).toContain(
      `; exact test ×${Number(f.lower!.toPrecision(3))}, ×${Number(f.upper!.toPrecision(3))}])`,
    );
    // at any other look there is none
    expect(toMetricBrief(judged(), 'ratio').counts?.exact).toBeUndefined();
  });

  it("names the conditional binomial test's interval when that test judged the metric", () => {
    const metric = judge(config, data, undefined, { countTest: 'conditional-binomial' }).metrics[0];
    expect(metric.counts?.test).toBe('conditional-binomial');
    const stats = /<p class="stats">([^<]*)<\/p>/.exec(metricCard(metric, undefined, 'ratio'))?.[1];
    expect(stats).toMatch(
      /^n = 4 baseline \/ 4 canary periods; rate ratio ×2\.06 \[CI ×[\d.]+, ×[\d.]+\] \(conditional binomial test: the exact interval at this look\)$/,
    );
  });

  it('the same numbers reach the rows of the terminal and the summary sentence', () => {
    const metric = judged();
    const ratio = (x: number) => `×${Number(x.toPrecision(3))}`;
    expect(valuesText(metricRowFromResult(metric, 'ratio'))).toBe(
      `rate 0.2% (24 of 12,010) → 0.41% (49 of 11,920) (rate ×2.06 [CI ${ratio(metric.counts!.lower!)}, ${ratio(metric.counts!.upper!)}])`,
    );
  });
});
