import { formatNumber } from '../shared/judge/format';
import { exactLevelAttainability } from '../shared/judge/mann-whitney';
import type { JudgeResult } from '../shared/judge/types';

/** A confidence level the sample sizes cannot reach, said plainly (issue 10 item 13), for mann-whitney and judge. */

export interface LevelAttainability {
  levelAttainable: boolean;
  /** The exact Mann-Whitney test's smallest two-sided p-value for these sample sizes. */
  smallestAttainablePValue: number;
  highestAttainableConfidenceLevel: number;
  /** Why the level cannot be reached and what can, or null when it can. */
  warning: string | null;
}

const percent = (level: number) => `${Number((level * 100).toFixed(2))}%`;
/** Rounded down: an "at most" that rounds up would name a level that is not attainable either. */
const percentDown = (level: number) => `${Math.floor(level * 10000 + 1e-9) / 100}%`;

export function levelAttainability(
  baselineCount: number,
  canaryCount: number,
  confidenceLevel: number,
): LevelAttainability {
  const a = exactLevelAttainability(baselineCount, canaryCount, confidenceLevel);
  const warning = a.attainable
    ? null
    : `${percent(confidenceLevel)} confidence is not attainable with ${baselineCount} baseline and ${canaryCount} ` +
      `canary points: the smallest two-sided p-value of the exact Mann-Whitney test is ` +
      `${formatNumber(a.smallestPValue)}, so at most ${percentDown(a.highestConfidenceLevel)} confidence: the ` +
      `interval is then the whole range of pairwise differences, and one above or below 0 is not a ` +
      `${percent(confidenceLevel)} result`;
  return {
    levelAttainable: a.attainable,
    smallestAttainablePValue: a.smallestPValue,
    highestAttainableConfidenceLevel: a.highestConfidenceLevel,
    warning,
  };
}

export interface MetricLevelWarning {
  metric: string;
  baselineCount: number;
  canaryCount: number;
  confidenceLevel: number;
  smallestAttainablePValue: number;
  highestAttainableConfidenceLevel: number;
  warning: string;
}

/**
 * The continuous metrics the judge compared at a level their sample sizes (after NaN and outlier removal) cannot
 * reach. Count metrics are left out: their test is not Mann-Whitney, and a metric without points was not compared.
 */
export function metricLevelWarnings(result: JudgeResult): MetricLevelWarning[] {
  return result.metrics.flatMap((m): MetricLevelWarning[] => {
    if (m.kind !== 'continuous' || m.estimate === null || m.baseline.count === 0 || m.canary.count === 0) return [];
    const level = levelAttainability(m.baseline.count, m.canary.count, m.confidenceLevel);
    if (level.warning === null) return [];
    const { smallestAttainablePValue, highestAttainableConfidenceLevel, warning } = level;
    return [
      {
        metric: m.name,
        baselineCount: m.baseline.count,
        canaryCount: m.canary.count,
        confidenceLevel: m.confidenceLevel,
        smallestAttainablePValue,
        highestAttainableConfidenceLevel,
        warning,
      },
    ];
  });
}
