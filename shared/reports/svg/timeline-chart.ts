import type { Action } from '../../run-model/run-state';
import { AXIS_COLOR, GRID_COLOR, legend } from './axes';
import { el, linePath, svgRoot, text, type Attrs } from './elements';
import { BASELINE_COLOR, CANARY_COLOR, scoreBandColor } from './palette';
import { linearScale } from './scales';

/**
 * The run step by step: per planned step the traffic split (production / baseline / canary) as a stacked bar,
 * and below it the score of each judgment against the decision rule's bands (≤ marginal rolls back, ≥ pass promotes
 * after the last step), each dot in its band's colour with the action taken. Steps never reached are greyed.
 */

export interface TimelineJudgment {
  score: number;
  action: Action;
}

export interface TimelineStep {
  /** Percent to each of baseline and canary. */
  weight: number;
  durationSeconds: number;
  reached: boolean;
  judgments: readonly TimelineJudgment[];
}

export interface TimelineChartOptions {
  title: string;
  steps: readonly TimelineStep[];
  thresholds: { marginal: number; pass: number };
  width?: number;
  rootAttrs?: Attrs;
}

const PRODUCTION_COLOR = '#d1d5db';
const BAND_COLORS = { fail: '#fee2e2', marginal: '#fef3c7', pass: '#dcfce7' };

export function renderTimelineChart(options: TimelineChartOptions): string {
  const width = options.width ?? 900;
  const left = 70;
  const right = 16;
  const bars = { top: 34, height: 74 };
  const scores = { top: bars.top + bars.height + 44, height: 120 };
  const height = scores.top + scores.height + 22;
  const plotWidth = width - left - right;
  const columns = Math.max(1, options.steps.length);
  const column = plotWidth / columns;
  const barWidth = Math.min(64, column * 0.5);
  const center = (i: number) => left + column * (i + 0.5);
  const share = linearScale([0, 100], [bars.top + bars.height, bars.top]);
  const score = linearScale([0, 100], [scores.top + scores.height, scores.top]);
  const { marginal, pass } = options.thresholds;

  const bands =
    el('rect', {
      x: left,
      width: plotWidth,
      y: score(marginal),
      height: score(0) - score(marginal),
      fill: BAND_COLORS.fail,
    }) +
    el('rect', {
      x: left,
      width: plotWidth,
      y: score(pass),
      height: score(marginal) - score(pass),
      fill: BAND_COLORS.marginal,
    }) +
    el('rect', { x: left, width: plotWidth, y: score(100), height: score(pass) - score(100), fill: BAND_COLORS.pass }) +
    [0, marginal, pass, 100]
      .map(
        (t) =>
          el('line', { x1: left, x2: left + plotWidth, y1: score(t), y2: score(t), stroke: GRID_COLOR }) +
          text(left - 6, score(t) + 4, String(t), { 'text-anchor': 'end', fill: AXIS_COLOR }),
      )
      .join('') +
    text(left + plotWidth - 4, score(pass) - 4, `promote ≥ ${pass}`, {
      'text-anchor': 'end',
      fill: '#166534',
      'font-size': 10,
    }) +
    text(left + plotWidth - 4, score(marginal) + 12, `roll back ≤ ${marginal}`, {
      'text-anchor': 'end',
      fill: '#991b1b',
      'font-size': 10,
    });

  const stepMarks = options.steps
    .map((step, i) => {
      const cx = center(i);
      const x = cx - barWidth / 2;
      const opacity = step.reached ? 1 : 0.35;
      // Stacked from the bottom: canary [0, w], baseline [w, 2w], production [2w, 100].
      const segments =
        el('rect', {
          x,
          width: barWidth,
          y: share(100),
          height: share(2 * step.weight) - share(100),
          fill: PRODUCTION_COLOR,
        }) +
        el('rect', {
          x,
          width: barWidth,
          y: share(2 * step.weight),
          height: share(0) - share(step.weight),
          fill: BASELINE_COLOR,
        }) +
        el('rect', {
          x,
          width: barWidth,
          y: share(step.weight),
          height: share(0) - share(step.weight),
          fill: CANARY_COLOR,
        });
      // Narrow columns (many steps) only have room for the weight.
      const caption = column >= 110 ? `step ${i + 1}: ${step.weight}% + ${step.weight}%` : `${step.weight}%`;
      const sub = step.reached ? `${step.durationSeconds}s` : 'not run';
      return el(
        'g',
        { 'data-step': String(i + 1), 'data-reached': String(step.reached), opacity },
        segments +
          text(cx, bars.top - 8, caption, { 'text-anchor': 'middle', fill: '#111827', 'font-weight': 600 }) +
          text(cx, bars.top + bars.height + 15, sub, { 'text-anchor': 'middle', fill: AXIS_COLOR }),
      );
    })
    .join('');

  const points = options.steps.flatMap((step, i) =>
    step.judgments.map((j, k) => ({
      j,
      step: i + 1,
      x: center(i) + (step.judgments.length > 1 ? (k / (step.judgments.length - 1) - 0.5) * barWidth : 0),
      y: score(Math.min(100, Math.max(0, j.score))),
    })),
  );
  const scoreLine = el('path', { d: linePath(points), fill: 'none', stroke: '#374151', 'stroke-width': 1.5 });
  const dots = points
    .map(({ j, step, x, y }) =>
      el(
        'g',
        { 'data-judgment': String(step), 'data-score': String(j.score), 'data-action': j.action },
        el('circle', {
          cx: x,
          cy: y,
          r: 6,
          fill: scoreBandColor(j.score, options.thresholds),
          stroke: '#fff',
          'stroke-width': 1.5,
        }) +
          text(x + 10, y - 6, j.score.toFixed(j.score % 1 === 0 ? 0 : 2), { fill: '#111827', 'font-weight': 600 }) +
          (j.action === 'continue' ? '' : text(x + 10, y + 9, `→ ${j.action}`, { fill: AXIS_COLOR })),
      ),
    )
    .join('');

  const axisLabels =
    text(12, bars.top + bars.height / 2 + 4, 'traffic', { fill: AXIS_COLOR }) +
    text(12, scores.top + scores.height / 2 + 4, 'score', { fill: AXIS_COLOR });
  const key = legend(
    [
      { label: 'production', color: PRODUCTION_COLOR, shape: 'box' },
      { label: 'baseline', color: BASELINE_COLOR, shape: 'box' },
      { label: 'canary', color: CANARY_COLOR, shape: 'box' },
    ],
    left,
    12,
  );
  return svgRoot(
    width,
    height,
    options.title,
    {
      ...options.rootAttrs,
      'data-steps': String(options.steps.length),
      'data-judgments': String(points.length),
    },
    key + bands + stepMarks + scoreLine + dots + axisLabels,
  );
}
