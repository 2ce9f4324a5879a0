import { formatNumber, formatSigned } from '../shared/judge/format';
import type { JudgeResult, MetricResult } from '../shared/judge/types';

/** The readable form of a judge result: one row per metric, then the groups, the score and the verdict. */

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  // the last column (the reason) is not padded
  return rows.map((r) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd(),
  );
}

function resultCell(m: MetricResult): string {
  const flags = [
    m.critical ? 'critical' : '',
    m.insufficientData ? 'too few points' : '',
    m.muted ? 'muted' : '',
  ].filter(Boolean);
  return flags.length > 0 ? `${m.classification} (${flags.join(', ')})` : m.classification;
}

function shiftCell(m: MetricResult): string {
  if (m.estimate === null || m.lower === null || m.upper === null) return '-';
  return `${formatSigned(m.estimate)} [${formatSigned(m.lower)}, ${formatSigned(m.upper)}]`;
}

const median = (stats: MetricResult['baseline']) => (stats.count === 0 ? '-' : formatNumber(stats.median));

/** Metrics with too few points: the score leaves them out, and a run would not promote on the required ones. */
function notJudged(result: JudgeResult): string[] {
  if (result.insufficientData.length === 0) return [];
  const required = result.insufficientDataRequired;
  const blocking =
    required.length > 0 ? `; a run does not promote without ${required.join(', ')} (critical or mustHaveData)` : '';
  return [`not judged (too few points): ${result.insufficientData.join(', ')}${blocking}`];
}

export function judgeTable(result: JudgeResult): string {
  const ci = `${Number((result.confidenceLevel * 100).toPrecision(6))}% CI`;
  const rows = [
    ['metric', 'result', 'baseline median', 'canary median', `shift [${ci}]`, 'reason'],
    ...result.metrics.map((m) => [
      m.name,
      resultCell(m),
      median(m.baseline),
      median(m.canary),
      shiftCell(m),
      m.reason ?? '',
    ]),
  ];
  const groups = result.groups.map(
    (g) => `${g.name} ${g.noData ? 'no data' : formatNumber(g.score)} (weight ${formatNumber(g.weight)})`,
  );
  const t = result.thresholds;
  return [
    ...table(rows),
    '',
    `groups: ${groups.join(', ')}`,
    `score:  ${result.score} → ${result.verdict.toUpperCase()} (marginal ${t.marginal}, pass ${t.pass})`,
    ...(result.reason ? [`reason: ${result.reason}`] : []),
    ...notJudged(result),
  ].join('\n');
}
