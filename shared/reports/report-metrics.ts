import type { MetricResult } from '../judge/types';
import type { MetricSeries, Series } from '../metrics/metric-source';
import { escapeHtml as esc } from './escape';
import { formatPercent, formatSigned, formatValue } from './format';
import { metricRowFromResult } from './run-summary';
import { renderDistributionChart } from './svg/distribution-chart';
import type { Point } from './svg/downsample';
import { renderLineChart } from './svg/line-chart';
import { BASELINE_COLOR, CANARY_COLOR, CLASSIFICATION_COLORS } from './svg/palette';

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

function interval(metric: MetricResult): string {
  if (metric.lower === null || metric.upper === null) return '–';
  return `[${formatSigned(metric.lower)}, ${formatSigned(metric.upper)}]`;
}

function pValue(p: number | null): string {
  if (p === null) return '–';
  return p < 1e-4 ? '<0.0001' : p.toFixed(4);
}

export function metricTable(metrics: readonly MetricResult[]): string {
  const confidence = metrics.length > 0 ? Math.round(metrics[0].confidenceLevel * 1000) / 10 : 98;
  const rows = metrics
    .map((m) => {
      const row = metricRowFromResult(m);
      const reason = m.reason ? `<div class="row-reason">${esc(m.reason)}</div>` : '';
      return `<tr data-metric="${esc(m.name)}">
<td class="name"><strong>${esc(m.name)}</strong>${tags(m)}${reason}</td>
<td>${classificationPill(m.classification)}</td>
<td class="num">${formatValue(row.baselineMedian)}</td>
<td class="num">${formatValue(row.canaryMedian)}</td>
<td class="num">${formatPercent(row.changePercent)}</td>
<td class="num">${formatSigned(m.estimate)}</td>
<td class="num">${interval(m)}</td>
<td class="num">${pValue(m.pValue)}</td>
</tr>`;
    })
    .join('\n');
  return `<div class="table-wrap"><table class="metrics">
<thead><tr><th>Metric</th><th>Result</th><th class="num">Baseline median</th><th class="num">Canary median</th><th class="num">Change</th><th class="num">Shift (HL)</th><th class="num">${confidence}% CI</th><th class="num">p-value</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
}

function points(series: Series): Point[] {
  return series.timestamps.map((t, i) => ({ x: t, y: series.values[i] }));
}

export function metricCard(metric: MetricResult, series: MetricSeries | undefined): string {
  const plotAttrs = { 'data-metric': metric.name };
  const timeSeries = series
    ? renderLineChart({
        title: `${metric.name}: baseline and canary over time`,
        series: [
          { id: 'baseline', label: 'baseline', color: BASELINE_COLOR, points: points(series.baseline) },
          { id: 'canary', label: 'canary', color: CANARY_COLOR, points: points(series.canary) },
        ],
        formatY: formatValue,
        width: CHART_WIDTH,
        rootAttrs: { ...plotAttrs, 'data-plot': 'timeseries' },
      })
    : '<p class="muted">No series were stored for this metric.</p>';
  const shift =
    metric.estimate !== null && metric.lower !== null && metric.upper !== null
      ? { estimate: metric.estimate, lower: metric.lower, upper: metric.upper, confidenceLevel: metric.confidenceLevel }
      : undefined;
  const distribution = series
    ? renderDistributionChart({
        title: `${metric.name}: distribution of baseline and canary, with the shift's confidence interval`,
        baseline: { id: 'baseline', label: 'baseline', color: BASELINE_COLOR, values: series.baseline.values },
        canary: { id: 'canary', label: 'canary', color: CANARY_COLOR, values: series.canary.values },
        shift,
        formatValue,
        formatShift: formatSigned,
        width: CHART_WIDTH,
        rootAttrs: { ...plotAttrs, 'data-plot': 'distribution' },
      })
    : '';
  const sourceError = series?.error ? `<p class="warn">Metric source: ${esc(series.error)}</p>` : '';
  const counts = `n = ${metric.baseline.count} baseline / ${metric.canary.count} canary after NaN and outlier handling; mean ratio ${formatValue(metric.ratio)}`;
  return `<article class="metric" id="metric-${esc(encodeURIComponent(metric.name))}">
<h3>${esc(metric.name)} ${classificationPill(metric.classification)}${tags(metric)}</h3>
<p class="why">${metric.reason ? esc(metric.reason) : metric.classification === 'Pass' ? 'No difference beyond what is allowed.' : ''}</p>
<p class="stats">${esc(counts)}</p>
${sourceError}
<div class="charts">
<figure><figcaption>Over time (raw series)</figcaption>${timeSeries}</figure>
${distribution ? `<figure><figcaption>Distribution: box = quartiles, whiskers 1.5 IQR; ◆ = shift with its CI, drawn from the baseline median (dashed)</figcaption>${distribution}</figure>` : ''}
</div>
</article>`;
}
