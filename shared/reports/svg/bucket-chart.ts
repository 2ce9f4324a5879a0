import { AXIS_COLOR, labelWidth, legend, yAxis, type PlotArea } from './axes';
import { el, svgRoot, text } from './elements';
import { linearScale, niceLinear } from './scales';

/**
 * A histogram metric's requests per bucket, as each version's share of its own requests: two bars per bucket, so a
 * canary whose requests moved to slower buckets shows it at a glance. Buckets empty on both sides at either end are
 * left out; a bucket is labelled by its upper bound ("> 10 s" for the one above the top bound).
 */

export interface BucketSide {
  id: 'baseline' | 'canary';
  label: string;
  color: string;
  /** Requests per bucket: one per bound, and the last above the top bound. */
  counts: readonly number[];
}

export interface BucketChartOptions {
  title: string;
  /** Upper bounds of the buckets, ascending. */
  bounds: readonly number[];
  sides: readonly [BucketSide, BucketSide];
  /** A bound in the metric's unit ("250 ms"). */
  formatBound: (bound: number) => string;
  width?: number;
  height?: number;
  rootAttrs?: Record<string, string>;
}

const percent = (share: number) => `${Number((share * 100).toFixed(1))}%`;

export function renderBucketChart(options: BucketChartOptions): string {
  const width = options.width ?? 560;
  const height = options.height ?? 240;
  const shares = options.sides.map((side) => {
    const total = side.counts.reduce((a, b) => a + b, 0);
    return side.counts.map((c) => (total > 0 ? c / total : 0));
  });
  const used = shares[0].map((_, j) => shares[0][j] > 0 || shares[1][j] > 0);
  const first = used.indexOf(true);
  const last = used.lastIndexOf(true);
  const legendRow = legend(
    options.sides.map((s) => ({ label: s.label, color: s.color, shape: 'box' as const })),
    64,
    16,
  );
  if (first < 0) {
    const empty = text(width / 2, height / 2, 'no requests', { 'text-anchor': 'middle', fill: AXIS_COLOR });
    return svgRoot(width, height, options.title, { ...options.rootAttrs, 'data-empty': 'true' }, legendRow + empty);
  }
  const buckets = Array.from({ length: last - first + 1 }, (_, k) => first + k);
  const label = (j: number) =>
    j < options.bounds.length
      ? `≤ ${options.formatBound(options.bounds[j])}`
      : `> ${options.formatBound(options.bounds[j - 1])}`;
  const yNice = niceLinear([0, Math.max(...buckets.flatMap((j) => [shares[0][j], shares[1][j]]))], 4);
  const left = Math.max(48, ...yNice.ticks.map((t) => labelWidth(percent(t)) + 12));
  const area: PlotArea = { left, top: 28, width: width - left - 14, height: height - 28 - 44 };
  const y = linearScale(yNice.domain, [area.top + area.height, area.top]);
  const slot = area.width / buckets.length;
  const bar = Math.max(1, Math.min(18, (slot - 4) / 2));
  // label every bucket when they fit, else every n-th, so the labels never overlap
  const every = Math.max(1, Math.ceil(Math.max(...buckets.map((j) => labelWidth(label(j)))) / slot));
  const bottom = area.top + area.height;
  const body = buckets
    .map((j, k) => {
      const centre = area.left + slot * (k + 0.5);
      const bars = options.sides
        .map((side, s) => {
          const top = y(shares[s][j]);
          return el('rect', {
            x: centre + (s === 0 ? -bar : 0),
            y: top,
            width: bar,
            height: bottom - top,
            fill: side.color,
            'data-series': side.id,
            'data-bucket': label(j),
            // a string: attrs() rounds numbers to a tenth, fine for pixels, not for shares
            'data-share': String(Number(shares[s][j].toPrecision(6))),
          });
        })
        .join('');
      const tick =
        k % every === 0 ? text(centre, bottom + 16, label(j), { 'text-anchor': 'middle', fill: AXIS_COLOR }) : '';
      return bars + tick;
    })
    .join('');
  const axis = el('line', { x1: area.left, x2: area.left + area.width, y1: bottom, y2: bottom, stroke: AXIS_COLOR });
  const caption = text(area.left + area.width / 2, height - 6, 'bucket (upper bound)', {
    'text-anchor': 'middle',
    fill: AXIS_COLOR,
  });
  return svgRoot(
    width,
    height,
    options.title,
    { ...options.rootAttrs },
    legendRow + yAxis(y, yNice.ticks, percent, area) + body + axis + caption,
  );
}
