import { el, text } from './elements';
import type { LinearScale } from './scales';

/** Gridlines, ticks and labels around a plot area. */

export interface PlotArea {
  left: number;
  top: number;
  width: number;
  height: number;
}

export const AXIS_COLOR = '#6b7280';
export const GRID_COLOR = '#e5e7eb';

export function yAxis(
  scale: LinearScale,
  ticks: readonly number[],
  format: (v: number) => string,
  area: PlotArea,
): string {
  return ticks
    .map((t) => {
      const y = scale(t);
      return (
        el('line', { x1: area.left, x2: area.left + area.width, y1: y, y2: y, stroke: GRID_COLOR }) +
        text(area.left - 6, y + 4, format(t), { 'text-anchor': 'end', fill: AXIS_COLOR })
      );
    })
    .join('');
}

/** Width of a label at the charts' 11 px font: digits and most letters are about 6.2 px wide. */
export const labelWidth = (label: string): number => label.length * 6.2;

/**
 * Tick labels are centred under their tick, except where that would cross the chart's edge (0 or `chartWidth`):
 * there the label ends (or starts) at its tick, so the first and last labels are never cut off.
 */
export function xAxis(
  scale: LinearScale,
  ticks: readonly number[],
  format: (v: number) => string,
  area: PlotArea,
  chartWidth: number,
): string {
  const bottom = area.top + area.height;
  const anchor = (x: number, label: string): string => {
    const half = labelWidth(label) / 2;
    if (x + half > chartWidth) return 'end';
    return x - half < 0 ? 'start' : 'middle';
  };
  return (
    el('line', { x1: area.left, x2: area.left + area.width, y1: bottom, y2: bottom, stroke: AXIS_COLOR }) +
    ticks
      .map((t) => {
        const x = scale(t);
        const label = format(t);
        return (
          el('line', { x1: x, x2: x, y1: bottom, y2: bottom + 4, stroke: AXIS_COLOR }) +
          text(x, bottom + 16, label, { 'text-anchor': anchor(x, label), fill: AXIS_COLOR })
        );
      })
      .join('')
  );
}

export interface LegendItem {
  label: string;
  color: string;
  /** A line swatch for series, a box for areas. */
  shape: 'line' | 'box';
}

/** A one-row legend starting at (x, y); items are spaced by their label length. */
export function legend(items: readonly LegendItem[], x: number, y: number): string {
  let cursor = x;
  return items
    .map((item) => {
      const swatch =
        item.shape === 'line'
          ? el('line', { x1: cursor, x2: cursor + 16, y1: y - 4, y2: y - 4, stroke: item.color, 'stroke-width': 2.5 })
          : el('rect', { x: cursor, y: y - 9, width: 12, height: 10, fill: item.color, rx: 2 });
      const label = text(cursor + 21, y, item.label, { fill: '#374151' });
      cursor += 21 + item.label.length * 6.2 + 16;
      return swatch + label;
    })
    .join('');
}
