import { labelWidth, legend, xAxis, yAxis, type PlotArea } from './axes';
import { downsampleMinMax, type Point } from './downsample';
import { el, linePath, svgRoot, type Attrs } from './elements';
import { finiteExtent, formatClock, linearScale, niceLinear, padDomain, timeTicks } from './scales';

/** A time-series chart: one line per series over epoch-millisecond x values. */

export interface LineSeries {
  /** Stable id written to `data-series`, e.g. "baseline". */
  id: string;
  label: string;
  color: string;
  points: readonly Point[];
}

export interface LineChartOptions {
  title: string;
  series: readonly LineSeries[];
  formatY: (value: number) => string;
  width?: number;
  height?: number;
  /** Per series; longer series are min/max-downsampled to this many points. */
  maxPoints?: number;
  /** Extra attributes on the root, e.g. data-plot / data-metric for tests and styling. */
  rootAttrs?: Attrs;
}

export const DEFAULT_MAX_POINTS = 300;

export function renderLineChart(options: LineChartOptions): string {
  const width = options.width ?? 560;
  const height = options.height ?? 240;
  const maxPoints = options.maxPoints ?? DEFAULT_MAX_POINTS;
  const finite = (p: Point) => Number.isFinite(p.x) && Number.isFinite(p.y);
  const series = options.series.map((s) => ({ ...s, points: downsampleMinMax(s.points.filter(finite), maxPoints) }));

  const all = series.flatMap((s) => s.points);
  const xExtent = finiteExtent(all.map((p) => p.x));
  const yExtent = finiteExtent(all.map((p) => p.y));
  const yNice = yExtent ? niceLinear(padDomain(yExtent, 0.05), 4) : undefined;
  // Wide enough for the longest y label (values with their unit, e.g. "1.25 req/s").
  const left = Math.max(56, ...(yNice?.ticks ?? []).map((t) => labelWidth(options.formatY(t)) + 12));
  const area: PlotArea = { left, top: 28, width: width - left - 14, height: height - 28 - 30 };
  const legendRow = legend(
    series.map((s) => ({ label: s.label, color: s.color, shape: 'line' as const })),
    area.left,
    16,
  );
  if (!xExtent || !yNice) {
    const empty = el('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', fill: '#6b7280' }, 'no data');
    return svgRoot(width, height, options.title, { ...options.rootAttrs, 'data-empty': 'true' }, legendRow + empty);
  }

  const y = linearScale(yNice.domain, [area.top + area.height, area.top]);
  const xDomain: [number, number] = xExtent[0] === xExtent[1] ? [xExtent[0] - 1000, xExtent[1] + 1000] : xExtent;
  const x = linearScale(xDomain, [area.left, area.left + area.width]);
  const xt = timeTicks(xDomain, Math.max(2, Math.floor(area.width / 90)));

  const lines = series
    .map((s) => {
      const d = linePath(s.points.map((p) => ({ x: x(p.x), y: y(p.y) })));
      const single =
        s.points.length === 1
          ? el('circle', { cx: x(s.points[0].x), cy: y(s.points[0].y), r: 2.5, fill: s.color })
          : '';
      return el(
        'g',
        { 'data-series': s.id, 'data-points': String(s.points.length) },
        el('path', { d, fill: 'none', stroke: s.color, 'stroke-width': 1.6, 'stroke-linejoin': 'round' }) + single,
      );
    })
    .join('');

  return svgRoot(
    width,
    height,
    options.title,
    options.rootAttrs ?? {},
    yAxis(y, yNice.ticks, options.formatY, area) +
      xAxis(x, xt.ticks, (t) => formatClock(t, xt.step), area, width) +
      lines +
      legendRow,
  );
}
