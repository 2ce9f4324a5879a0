import type { MetricResult } from '../judge/types';
import type { MetricSeries, Series } from '../metrics/metric-source';
import { escapeHtml as esc } from './escape';
import { formatPercent } from './format';
import { formatRate, formatRatio } from '../judge/count-classifier';
import { formatNumber } from '../judge/format';
import { metricRowFromResult, type MetricInfo, type MetricRow } from './metric-rows';
import { renderDistributionChart } from './svg/distribution-chart';
import { renderBucketChart } from './svg/bucket-chart';
import type { Point } from './svg/downsample';
import { renderLineChart } from './svg/line-chart';
import { BASELINE_COLOR, CANARY_COLOR, CLASSIFICATION_COLORS } from './svg/palette';
import { formatDifference, formatMeasure, formatValue } from '../judge/units';

/** The report's per-metric parts: the summary table and one card per metric with its two plots. */

/** Two charts side by side in the page's column render at about 1:1 at this width. */
const CHART_WIDTH = 460;

export function classificationPill(classification: MetricResult['classification']): string {
  const color = CLASSIFICATION_COLORS[classification] ?? '#6b7280';
  return `<span class="pill" style="--c:${color}">${esc(classification)}</span>`;
}

function tags(metric: MetricResult): string {
  return (
    (metric.critical ? ' <span class="tag critical">critical</span>' : '') +
    (metric.muted ? ' <span class="tag">muted</span>' : '') +
    metric.groups.map((g) => ` <span class="tag">${esc(g)}</span>`).join('')
  );
}

/** How large the metric's values are: its differences below rounding of that show as 0 (units.ts). */
function scaleOf(metric: MetricResult): number {
  const { baseline, canary } = metric;
  return Math.max(...[baseline.min, baseline.max, canary.min, canary.max].map(Math.abs).filter(Number.isFinite), 0);
}

function interval(metric: MetricResult, unit: string | undefined): string {
  if (metric.lower === null || metric.upper === null) return '–';
  const scale = scaleOf(metric);
  return `[${formatDifference(metric.lower, unit, scale)}, ${formatDifference(metric.upper, unit, scale)}]`;
}

function pValue(p: number | null): string {
  if (p === null) return '–';
  return p < 1e-4 ? '<0.0001' : p.toFixed(4);
}

/** The effect size the allowed / critical thresholds apply to: the mean change, or CLES. */
function effectSize(metric: MetricResult): string {
  const { measure, value } = metric.effectSize;
  if (value === null) return '–';
  return measure === 'cles' ? `CLES ${formatValue(value)}` : formatPercent((value - 1) * 100);
}

/** What each change column is: three different numbers a reader should not mix up. */
const COLUMN_NOTE =
  '<p class="note">Median change: canary median vs baseline median. HL shift: the Hodges–Lehmann estimate of how far ' +
  "the canary's values are shifted (the median of all canary − baseline differences) with its confidence interval; " +
  "a metric is High or Low when that interval clears 0. Mean change: mean(canary) / mean(baseline) − 1, the effect size a metric's allowed and " +
  'critical increase or decrease apply to (CLES instead when its effectSize.measure is cles). Count metrics (errors of ' +
  "requests) show each side's rate with its counts, the rate ratio canary / baseline in the change columns and its " +
  "count test's interval (the metric's card says which test); their allowed and critical thresholds apply to the " +
  'rate ratio. Histogram metrics (latency buckets) show the mean of all requests of each side and its change, and the ' +
  'one-sided p-value of Mann-Whitney on the requests; their thresholds apply to the mean change, or to its one-sided ' +
  'confidence bound at the level shown (effectSize.floorConfidence). pp = percentage points.</p>';

interface Cells {
  baseline: string;
  canary: string;
  change: string;
  shift: string;
  interval: string;
  effect: string;
  p: string;
}

function continuousCells(m: MetricResult, row: MetricRow, unit: string | undefined): Cells {
  return {
    baseline: formatMeasure(row.baselineMedian, unit),
    canary: formatMeasure(row.canaryMedian, unit),
    change: formatPercent(row.changePercent),
    shift: formatDifference(m.estimate, unit, scaleOf(m)),
    interval: interval(m, unit),
    effect: effectSize(m),
    p: pValue(m.pValue),
  };
}

/** A count metric has rates, not medians: the rate of each side with its counts, the rate ratio and its interval. */
function countCells(c: NonNullable<MetricResult['counts']>): Cells {
  const side = (s: { events: number; total: number }) =>
    `${formatRate(s.total > 0 ? s.events / s.total : null)} (${s.events.toLocaleString('en-US')} of ${s.total.toLocaleString('en-US')})`;
  const ratio = formatRatio(c.rateRatio);
  return {
    baseline: side(c.baseline),
    canary: side(c.canary),
    change: ratio,
    shift: '–',
    interval: Number.isFinite(c.lower) ? `[${formatRatio(c.lower)}, ${formatRatio(c.upper ?? Infinity)}]` : '–',
    effect: ratio,
    p: '–',
  };
}

/** A histogram metric: the mean of all requests of each side and its change, the p of the test on the requests. */
function histogramCells(m: MetricResult, h: NonNullable<MetricResult['histogram']>, unit: string | undefined): Cells {
  const side = (s: { requests: number; mean: number | null }) =>
    `${formatMeasure(s.mean, unit)} (${s.requests.toLocaleString('en-US')} req.)`;
  return {
    baseline: side(h.baseline),
    canary: side(h.canary),
    change: h.meanRatio === null ? '–' : formatPercent((h.meanRatio - 1) * 100),
    shift: '–',
    interval: '–',
    effect: boundNote(h) ? `${effectSize(m)} (${boundNote(h)})` : effectSize(m),
    p: pValue(m.pValue),
  };
}

/** "80% bound" when the floors applied to the mean ratio's confidence bound (effectSize.floorConfidence). */
function boundNote(h: NonNullable<MetricResult['histogram']>): string | null {
  return h.floorConfidence === undefined ? null : `${Number((h.floorConfidence * 100).toFixed(2))}% bound`;
}

/** "n = 4,000 baseline / 4,000 canary requests in 12 buckets; ...": what a histogram metric's test compared. */
function histogramText(metric: MetricResult, h: NonNullable<MetricResult['histogram']>): string {
  const thousands = (n: number) => n.toLocaleString('en-US');
  const share = h.slowerShare === null ? '–' : `${(h.slowerShare * 100).toFixed(1)}%`;
  const change = h.meanRatio === null ? '–' : formatPercent((h.meanRatio - 1) * 100);
  const bound = boundNote(h) ? `; the floors apply to its ${boundNote(h)}, ${effectSize(metric)}` : '';
  return (
    `n = ${thousands(h.baseline.requests)} baseline / ${thousands(h.canary.requests)} canary requests in ` +
    `${h.bounds.length + 1} buckets; Mann-Whitney on the requests: a canary request is the higher of a pair in ` +
    `${share}, one-sided p ${pValue(h.pHigher)} higher, ${pValue(h.pLower)} lower; mean change ${change} ` +
    `(mean of all requests, ratio ${formatValue(h.meanRatio)}${bound})`
  );
}

/** Which interval a count test gives (judgments stored before there was a choice: the anytime-valid one). */
const COUNT_INTERVALS = {
  'anytime-valid': 'anytime-valid test: a confidence sequence, valid at whichever look it is read',
  'conditional-binomial': 'conditional binomial test: the exact interval at this look',
} as const;

/**
 * "rate ratio ×2.06 [CI ×1.27, ×3.31] (anytime-valid test: ...)": what a count metric's thresholds apply to, and
 * which test's interval it is.
 */
function rateRatioText(c: NonNullable<MetricResult['counts']>): string {
  const { change, interval } = countCells(c);
  const ratio =
    interval === '–'
      ? `rate ratio ${change}`
      : `rate ratio ${change} [CI ${interval.slice(1)} (${COUNT_INTERVALS[c.test ?? 'anytime-valid']})`;
  if (!c.finalTest) return ratio;
  const f = c.finalTest;
  const level = `${Number((100 * (1 - 2 * f.alpha)).toPrecision(4))}%`;
  const exact =
    f.lower === undefined
      ? ''
      : `, rate ratio [${formatRatio(f.lower ?? 0)}, ${formatRatio(f.upper ?? Infinity)}] at ${level}`;
  return (
    `${ratio}; at the last look of the run, the exact test of all its counts: p ${formatNumber(f.pIncrease)} higher, ` +
    `${formatNumber(f.pDecrease)} lower${exact} (proven at ≤ ${formatNumber(f.alpha)})`
  );
}

export function metricTable(
  metrics: readonly MetricResult[],
  info: ReadonlyMap<string, MetricInfo> = new Map(),
): string {
  const confidence = metrics.length > 0 ? Math.round(metrics[0].confidenceLevel * 1000) / 10 : 98;
  const rows = metrics
    .map((m) => {
      const unit = info.get(m.name)?.unit;
      const row = metricRowFromResult(m, unit);
      const reason = m.reason ? `<div class="row-reason">${esc(m.reason)}</div>` : '';
      const cells = m.counts
        ? countCells(m.counts)
        : m.histogram
          ? histogramCells(m, m.histogram, unit)
          : continuousCells(m, row, unit);
      return `<tr data-metric="${esc(m.name)}">
<td class="name"><strong>${esc(m.name)}</strong>${tags(m)}${reason}</td>
<td>${classificationPill(m.classification)}</td>
<td class="num">${esc(cells.baseline)}</td>
<td class="num">${esc(cells.canary)}</td>
<td class="num" data-field="median-change">${esc(cells.change)}</td>
<td class="num" data-field="shift">${esc(cells.shift)}</td>
<td class="num">${esc(cells.interval)}</td>
<td class="num" data-field="mean-change">${esc(cells.effect)}</td>
<td class="num">${esc(cells.p)}</td>
</tr>`;
    })
    .join('\n');
  return `<div class="table-wrap"><table class="metrics">
<thead><tr><th>Metric</th><th>Result</th><th class="num">Baseline median</th><th class="num">Canary median</th><th class="num">Median change</th><th class="num">HL shift</th><th class="num">${confidence}% CI of the shift</th><th class="num">Mean change</th><th class="num">p-value</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>${COLUMN_NOTE}`;
}

function points(series: Series): Point[] {
  return series.timestamps.map((t, i) => ({ x: t, y: series.values[i] }));
}

/** A histogram metric's requests per bucket, each version's share of its own: what its test compared. */
function bucketFigure(name: string, h: NonNullable<MetricResult['histogram']>, measure: (v: number) => string): string {
  const chart = renderBucketChart({
    title: `${name}: each version's share of its requests per latency bucket`,
    bounds: h.bounds,
    sides: [
      { id: 'baseline', label: 'baseline', color: BASELINE_COLOR, counts: h.baselineBuckets },
      { id: 'canary', label: 'canary', color: CANARY_COLOR, counts: h.canaryBuckets },
    ],
    formatBound: measure,
    width: CHART_WIDTH,
    rootAttrs: { 'data-metric': name, 'data-plot': 'buckets' },
  });
  return `<figure><figcaption>Requests per bucket, as a share of each version's requests (what Mann-Whitney on the requests compared)</figcaption>${chart}</figure>`;
}

function distributionCaption(metric: MetricResult): string {
  if (metric.counts) {
    return 'Distribution of the per-period rates: box = quartiles, whiskers 1.5 IQR; the rate ratio and its interval are in the table';
  }
  if (metric.histogram) {
    return 'Distribution of the per-period means: box = quartiles, whiskers 1.5 IQR; the test compares the requests in the buckets (line above)';
  }
  return 'Distribution: box = quartiles, whiskers 1.5 IQR; ◆ = shift with its CI, drawn from the baseline median (dashed)';
}

export function metricCard(metric: MetricResult, series: MetricSeries | undefined, unit?: string): string {
  const plotAttrs = { 'data-metric': metric.name };
  const measure = (v: number) => formatMeasure(v, unit);
  const difference = (v: number) => formatDifference(v, unit, scaleOf(metric));
  const timeSeries = series
    ? renderLineChart({
        title: `${metric.name}: baseline and canary over time`,
        series: [
          { id: 'baseline', label: 'baseline', color: BASELINE_COLOR, points: points(series.baseline) },
          { id: 'canary', label: 'canary', color: CANARY_COLOR, points: points(series.canary) },
        ],
        formatY: measure,
        width: CHART_WIDTH,
        rootAttrs: { ...plotAttrs, 'data-plot': 'timeseries' },
      })
    : '<p class="muted">No series were stored for this metric.</p>';
  // A count metric's estimate and interval are the rate ratio's (×2.06), not a shift in the metric's unit: the
  // distribution shows its per-period rates without a shift row, the ratio is in the table and the line below.
  const shift =
    metric.kind === 'continuous' && metric.estimate !== null && metric.lower !== null && metric.upper !== null
      ? { estimate: metric.estimate, lower: metric.lower, upper: metric.upper, confidenceLevel: metric.confidenceLevel }
      : undefined;
  const distribution = series
    ? renderDistributionChart({
        title: `${metric.name}: distribution of baseline and canary, with the shift's confidence interval`,
        baseline: { id: 'baseline', label: 'baseline', color: BASELINE_COLOR, values: series.baseline.values },
        canary: { id: 'canary', label: 'canary', color: CANARY_COLOR, values: series.canary.values },
        shift,
        formatValue: measure,
        formatShift: difference,
        width: CHART_WIDTH,
        rootAttrs: { ...plotAttrs, 'data-plot': 'distribution' },
      })
    : '';
  const sourceError = series?.error ? `<p class="warn">Metric source: ${esc(series.error)}</p>` : '';
  const counts = metric.counts
    ? `n = ${metric.baseline.count} baseline / ${metric.canary.count} canary periods; ${rateRatioText(metric.counts)}`
    : metric.histogram
      ? histogramText(metric, metric.histogram)
      : `n = ${metric.baseline.count} baseline / ${metric.canary.count} canary after NaN and outlier handling; ${
          metric.effectSize.measure === 'cles'
            ? effectSize(metric)
            : `mean change ${effectSize(metric)} (mean ratio ${formatValue(metric.ratio)})`
        }`;
  return `<article class="metric" id="metric-${esc(encodeURIComponent(metric.name))}">
<h3>${esc(metric.name)} ${classificationPill(metric.classification)}${tags(metric)}</h3>
<p class="why">${metric.reason ? esc(metric.reason) : metric.classification === 'Pass' ? 'No difference beyond what is allowed.' : ''}</p>
<p class="stats">${esc(counts)}</p>
${sourceError}
<div class="charts">
<figure><figcaption>Over time (raw series)</figcaption>${timeSeries}</figure>
${distribution ? `<figure><figcaption>${distributionCaption(metric)}</figcaption>${distribution}</figure>` : ''}
${metric.histogram ? bucketFigure(metric.name, metric.histogram, measure) : ''}
</div>
</article>`;
}
