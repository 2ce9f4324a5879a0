import { labelWidth, legend, xAxis, type PlotArea } from './axes';
import { boxStats, sortedFinite, type BoxStats } from './box-stats';
import { sampleSorted } from './downsample';
import { el, px, svgRoot, text, type Attrs } from './elements';
import { finiteExtent, linearScale, niceLinear, padDomain, type LinearScale } from './scales';

/**
 * Both samples as box plots over their (thinned) points on one value axis, and below them the shift's
 * confidence interval drawn where it puts the canary: baseline median + [lower, upper], estimate marked.
 */

export interface DistributionSample {
  id: string;
  label: string;
  color: string;
  values: readonly number[];
}

export interface ShiftInterval {
  estimate: number;
  lower: number;
  upper: number;
  confidenceLevel: number;
}

export interface DistributionChartOptions {
  title: string;
  baseline: DistributionSample;
  canary: DistributionSample;
  shift?: ShiftInterval;
  formatValue: (value: number) => string;
  formatShift: (value: number) => string;
  width?: number;
  /** Dots per sample at most; the box uses every point. */
  maxPoints?: number;
  rootAttrs?: Attrs;
}

const ROW_HEIGHT = 46;
const BOX_HEIGHT = 20;
const SHIFT_COLOR = '#111827';
const GOLDEN = 0.6180339887498949;

function sampleRow(
  sample: DistributionSample,
  sorted: number[],
  box: BoxStats,
  x: LinearScale,
  cy: number,
  maxPoints: number,
): string {
  const dots = sampleSorted(sorted, maxPoints);
  // Deterministic jitter (golden-ratio sequence): the same data always renders the same picture.
  const dotMarks = dots
    .map((v, i) => el('circle', { cx: x(v), cy: cy + (((i * GOLDEN) % 1) - 0.5) * (ROW_HEIGHT - 14), r: 1.8 }))
    .join('');
  const top = cy - BOX_HEIGHT / 2;
  const boxMarks =
    el('line', { x1: x(box.whiskerLow), x2: x(box.q1), y1: cy, y2: cy, stroke: sample.color, 'stroke-width': 1.5 }) +
    el('line', { x1: x(box.q3), x2: x(box.whiskerHigh), y1: cy, y2: cy, stroke: sample.color, 'stroke-width': 1.5 }) +
    el('line', {
      x1: x(box.whiskerLow),
      x2: x(box.whiskerLow),
      y1: cy - 6,
      y2: cy + 6,
      stroke: sample.color,
      'stroke-width': 1.5,
    }) +
    el('line', {
      x1: x(box.whiskerHigh),
      x2: x(box.whiskerHigh),
      y1: cy - 6,
      y2: cy + 6,
      stroke: sample.color,
      'stroke-width': 1.5,
    }) +
    el('rect', {
      x: x(box.q1),
      y: top,
      width: Math.max(1, x(box.q3) - x(box.q1)),
      height: BOX_HEIGHT,
      fill: sample.color,
      'fill-opacity': 0.14,
      stroke: sample.color,
      'stroke-width': 1.5,
    }) +
    el('line', {
      x1: x(box.median),
      x2: x(box.median),
      y1: top,
      y2: top + BOX_HEIGHT,
      stroke: sample.color,
      'stroke-width': 3,
    });
  return el(
    'g',
    { 'data-series': sample.id, 'data-points': String(dots.length), 'data-count': String(sorted.length) },
    el('g', { fill: sample.color, 'fill-opacity': 0.35 }, dotMarks) + boxMarks,
  );
}

export function renderDistributionChart(options: DistributionChartOptions): string {
  const width = options.width ?? 560;
  const maxPoints = options.maxPoints ?? 200;
  const baselineSorted = sortedFinite(options.baseline.values);
  const canarySorted = sortedFinite(options.canary.values);
  const baselineBox = boxStats(baselineSorted);
  const canaryBox = boxStats(canarySorted);
  const shift = baselineBox && options.shift ? options.shift : undefined;
  const rows = shift ? 3 : 2;
  const area: PlotArea = { left: 84, top: 26, width: width - 84 - 16, height: rows * ROW_HEIGHT };
  const height = area.top + area.height + 26;
  const rowY = (i: number) => area.top + ROW_HEIGHT * (i + 0.5);
  const labels = [options.baseline.label, options.canary.label, ...(shift ? ['shift CI'] : [])]
    .map((label, i) => text(area.left - 10, rowY(i) + 4, label, { 'text-anchor': 'end', fill: '#374151' }))
    .join('');

  const anchor = baselineBox?.median ?? 0;
  const shiftPositions = shift ? [anchor + shift.lower, anchor + shift.upper, anchor + shift.estimate] : [];
  const extent = finiteExtent([...baselineSorted, ...canarySorted, ...shiftPositions]);
  if (!extent) {
    const empty = el('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', fill: '#6b7280' }, 'no data');
    return svgRoot(width, height, options.title, { ...options.rootAttrs, 'data-empty': 'true' }, labels + empty);
  }
  const nice = niceLinear(padDomain(extent, 0.03), Math.max(2, Math.floor(area.width / 80)));
  const x = linearScale(nice.domain, [area.left, area.left + area.width]);

  const grid = nice.ticks
    .map((t) => el('line', { x1: x(t), x2: x(t), y1: area.top, y2: area.top + area.height, stroke: '#f3f4f6' }))
    .join('');
  const body = [
    grid,
    baselineBox ? sampleRow(options.baseline, baselineSorted, baselineBox, x, rowY(0), maxPoints) : '',
    canaryBox ? sampleRow(options.canary, canarySorted, canaryBox, x, rowY(1), maxPoints) : '',
    shift ? shiftRow(shift, anchor, x, rowY(2), area, options) : '',
    xAxis(x, nice.ticks, options.formatValue, area, width),
    labels,
    legend(
      [
        { label: options.baseline.label, color: options.baseline.color, shape: 'box' },
        { label: options.canary.label, color: options.canary.color, shape: 'box' },
      ],
      area.left,
      14,
    ),
  ].join('');
  return svgRoot(width, height, options.title, options.rootAttrs ?? {}, body);
}

function shiftRow(
  shift: ShiftInterval,
  anchor: number,
  x: LinearScale,
  cy: number,
  area: PlotArea,
  options: DistributionChartOptions,
): string {
  const lo = x(anchor + shift.lower);
  const hi = x(anchor + shift.upper);
  const mid = x(anchor + shift.estimate);
  const percent = Math.round(shift.confidenceLevel * 1000) / 10;
  const caption = `${options.formatShift(shift.estimate)} [${percent}% CI ${options.formatShift(shift.lower)}, ${options.formatShift(shift.upper)}]`;
  const captionWidth = labelWidth(caption);
  const right = area.left + area.width;
  // Beside the interval where it fits, else above it, kept inside the plot.
  const placement =
    hi + 8 + captionWidth <= right
      ? { x: hi + 8, y: cy + 4, anchor: 'start' }
      : lo - 8 - captionWidth >= area.left
        ? { x: lo - 8, y: cy + 4, anchor: 'end' }
        : {
            x: Math.min(right - captionWidth / 2, Math.max(area.left + captionWidth / 2, mid)),
            y: cy - 10,
            anchor: 'middle',
          };
  return el(
    'g',
    {
      'data-shift': 'ci',
      'data-estimate': String(shift.estimate),
      'data-lower': String(shift.lower),
      'data-upper': String(shift.upper),
    },
    // "No change" reference: the baseline median through every row.
    el('line', {
      x1: x(anchor),
      x2: x(anchor),
      y1: area.top,
      y2: area.top + area.height,
      stroke: '#9ca3af',
      'stroke-dasharray': '4 3',
    }) +
      el('rect', {
        x: lo,
        y: cy - 5,
        width: Math.max(2, hi - lo),
        height: 10,
        fill: SHIFT_COLOR,
        'fill-opacity': 0.18,
        rx: 2,
      }) +
      el('line', { x1: lo, x2: hi, y1: cy, y2: cy, stroke: SHIFT_COLOR, 'stroke-width': 2 }) +
      el('line', { x1: lo, x2: lo, y1: cy - 7, y2: cy + 7, stroke: SHIFT_COLOR, 'stroke-width': 2 }) +
      el('line', { x1: hi, x2: hi, y1: cy - 7, y2: cy + 7, stroke: SHIFT_COLOR, 'stroke-width': 2 }) +
      el('path', {
        d: `M${px(mid)} ${px(cy - 6)}L${px(mid + 6)} ${px(cy)}L${px(mid)} ${px(cy + 6)}L${px(mid - 6)} ${px(cy)}Z`,
        fill: SHIFT_COLOR,
      }) +
      text(placement.x, placement.y, caption, { 'text-anchor': placement.anchor, fill: SHIFT_COLOR }),
  );
}
