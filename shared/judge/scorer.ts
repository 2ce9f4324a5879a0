import type { Classification, GroupResult, JudgeThresholds, Verdict } from './types';

/** Kayenta's group-weighted scorer (judge-spec §7: ScoringHelper, WeightedSumScorer, ThresholdScoreClassifier). */

export interface ScorableResult {
  name: string;
  classification: Classification;
  groups: string[];
  /** True when this result fails the whole canary (a critical metric that is not Pass). */
  critical: boolean;
  /** Ours: Nodata for too few points, not judged yet; absent = false (Kayenta's results). */
  insufficientData?: boolean;
  muted: boolean;
  reason: string | null;
}

export interface ScoreOutcome {
  /** 0-100, rounded half-up to 2 decimals. */
  score: number;
  /** "Canary Failed: ..." when the score was forced to 0, else "". */
  reason: string;
  groups: GroupResult[];
}

const COUNTED: ReadonlySet<Classification> = new Set(['Pass', 'High', 'Low', 'NodataFailMetric']);

/** Groups in order of first appearance; Nodata (of either kind) and Error do not count in a group's denominator. */
function groupScores(results: ScorableResult[], groupWeights: Record<string, number>): GroupResult[] {
  const tallies = new Map<string, { passed: number; scored: number }>();
  for (const r of results) {
    for (const g of r.groups) {
      const t = tallies.get(g) ?? { passed: 0, scored: 0 };
      if (COUNTED.has(r.classification)) t.scored++;
      if (r.classification === 'Pass') t.passed++;
      tallies.set(g, t);
    }
  }
  // groups without a configured weight share what the configured ones leave (may be 0 or negative, as in Kayenta)
  const configured = Object.values(groupWeights).reduce((a, b) => a + b, 0);
  const unweighted = [...tallies.keys()].filter((g) => !(g in groupWeights)).length;
  const defaultWeight = unweighted > 0 ? (100 - configured) / unweighted : 0;
  return [...tallies].map(([name, t]) => ({
    name,
    // Kayenta's order of operations: (1/3)*100 = 33.33333333333333, not 100/3 = 33.333333333333336
    score: t.scored === 0 ? 0 : (t.passed / t.scored) * 100,
    weight: groupWeights[name] ?? defaultWeight,
    noData: t.scored === 0,
    passed: t.passed,
    scored: t.scored,
  }));
}

/**
 * Rounds to 2 decimals half-up on the shortest decimal string of the double, as Kayenta does with
 * BigDecimal(Double.toString(x)): 9.375 → 9.38, 1.005 → 1.01 (binary rounding would give 1).
 */
export function roundHalfUp2(x: number): number {
  if (!Number.isFinite(x)) return x;
  const text = Math.abs(x).toString();
  // exponent notation only below 1e-6 (rounds to 0) or at 1e21 and above (already integral)
  if (text.includes('e')) return Math.abs(x) < 1 ? 0 : x;
  const [whole, fraction = ''] = text.split('.');
  let cents = BigInt(whole + fraction.slice(0, 2).padEnd(2, '0'));
  if (fraction.length > 2 && fraction[2] >= '5') cents += 1n;
  const rounded = Number(cents) / 100;
  return x < 0 && rounded !== 0 ? -rounded : rounded;
}

export function scoreResults(all: ScorableResult[], groupWeights: Record<string, number>): ScoreOutcome {
  const results = all.filter((r) => !r.muted);
  const groups = groupScores(results, groupWeights);

  const critical = results.find((r) => r.critical && r.classification !== 'Pass');
  if (critical) {
    const why = critical.reason ?? `${critical.name} was classified as ${critical.classification}`;
    return { score: 0, reason: `Canary Failed: ${why}`, groups };
  }
  // Kayenta's rule is about metrics that returned nothing; too few points is not judged yet (the run's decision
  // refuses to promote on it after the last step), so it stays out of the count but not out of the metrics
  const nodata = results.filter((r) => r.classification === 'Nodata' && !r.insufficientData).length;
  // with no results 0/0 is NaN and the rule does not apply, as in Kayenta
  if ((nodata / results.length) * 100 >= 50) {
    return {
      score: 0,
      reason: `Canary Failed: 50% or more metrics returned NODATA (${nodata} of ${results.length})`,
      groups,
    };
  }
  const sum = groups.reduce((acc, g) => acc + (g.noData ? 100 : g.score) * (g.weight / 100), 0);
  return { score: roundHalfUp2(sum), reason: '', groups };
}

export function verdictFor(score: number, thresholds: JudgeThresholds): Verdict {
  if (score >= thresholds.pass) return 'pass';
  if (score >= thresholds.marginal) return 'marginal';
  return 'fail';
}

const FAILING: ReadonlySet<Classification> = new Set(['High', 'Low', 'NodataFailMetric']);

/**
 * The best score the canary can still reach: every metric not failing now (passing, not judged yet, without data)
 * counted as Pass, the failing ones as they are. A run whose reachable score is below pass cannot be promoted by any
 * later look, so a sequential run rolls back at once instead of waiting for its last step.
 */
export function bestReachableScore(results: ScorableResult[], groupWeights: Record<string, number>): number {
  const best = results.map((r) =>
    FAILING.has(r.classification) ? r : { ...r, classification: 'Pass' as const, insufficientData: false },
  );
  return scoreResults(best, groupWeights).score;
}
