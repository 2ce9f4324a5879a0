import { formatNumber } from '../shared/judge/format';
import type { JudgeResult, MetricResult } from '../shared/judge/types';
import { formatDifference, formatMeasure } from '../shared/judge/units';
import { metricLevelWarnings } from './attainable-level';
import { verdictReason } from './verdict-reason';
import { alignColumns } from './text-table';

/** The readable form of a judge result: one row per metric, then the groups, the score and the verdict. */

function resultCell(m: MetricResult): string {
  const flags = [
    m.critical ? 'critical' : '',
    m.insufficientData ? 'too few points' : '',
    m.muted ? 'muted' : '',
  ].filter(Boolean);
  return flags.length > 0 ? `${m.classification} (${flags.join(', ')})` : m.classification;
}

function shiftCell(m: MetricResult, unit: string | undefined): string {
  if (m.estimate === null || m.lower === null || m.upper === null) return '-';
  const d = (v: number) => formatDifference(v, unit);
  return `${d(m.estimate)} [${d(m.lower)}, ${d(m.upper)}]`;
}

/** The median of the per-period values; for a histogram metric, the mean of all requests (what it is judged on). */
function median(m: MetricResult, role: 'baseline' | 'canary', unit: string | undefined): string {
  if (m.histogram) return m.histogram[role].mean === null ? '-' : `mean ${formatMeasure(m.histogram[role].mean, unit)}`;
  return m[role].count === 0 ? '-' : formatMeasure(m[role].median, unit);
}

/** Metrics with too few points: the score leaves them out, and a run would not promote on the required ones. */
function notJudged(result: JudgeResult): string[] {
  if (result.insufficientData.length === 0) return [];
  const required = result.insufficientDataRequired;
  const blocking =
    required.length > 0 ? `; a run does not promote without ${required.join(', ')} (critical or mustHaveData)` : '';
  return [`not judged (too few points): ${result.insufficientData.join(', ')}${blocking}`];
}

/** `units`: each metric's unit by name (values are shown in it: seconds in ms, ratios in %). */
export function judgeTable(result: JudgeResult, units: ReadonlyMap<string, string> = new Map()): string {
  const ci = `${Number((result.confidenceLevel * 100).toPrecision(6))}% CI`;
  const rows = [
    ['metric', 'result', 'baseline median', 'canary median', `HL shift [${ci}]`, 'reason'],
    ...result.metrics.map((m) => {
      const unit = units.get(m.name);
      return [
        m.name,
        resultCell(m),
        median(m, 'baseline', unit),
        median(m, 'canary', unit),
        shiftCell(m, unit),
        m.reason ?? '',
      ];
    }),
  ];
  const groups = result.groups.map(
    (g) => `${g.name} ${g.noData ? 'no data' : formatNumber(g.score)} (weight ${formatNumber(g.weight)})`,
  );
  const t = result.thresholds;
  return [
    ...alignColumns(rows),
    '',
    `groups: ${groups.join(', ')}`,
    `score:  ${result.score} → ${result.verdict.toUpperCase()} (marginal ${t.marginal}, pass ${t.pass})`,
    `reason: ${verdictReason(result)}`,
    ...notJudged(result),
    ...metricLevelWarnings(result).map((w) => `warning: ${w.metric}: ${w.warning}`),
  ].join('\n');
}
