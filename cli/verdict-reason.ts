import type { JudgeResult } from '../shared/judge/types';
import { isFailingClassification } from '../shared/reports/metric-rows';

/**
 * Why the judge gave its verdict, whatever it is. Kayenta's result has a reason only when the score was forced to 0
 * ("Canary Failed: ..."); otherwise it is the score against the thresholds, and the metrics that cost points.
 */
export function verdictReason(result: JudgeResult): string {
  if (result.reason) return result.reason;
  const { score, thresholds } = result;
  const rule =
    result.verdict === 'pass'
      ? `score ${score} ≥ pass ${thresholds.pass}`
      : result.verdict === 'marginal'
        ? `score ${score} is below pass ${thresholds.pass} and at or above marginal ${thresholds.marginal}`
        : `score ${score} is below marginal ${thresholds.marginal}`;
  const failing = result.metrics.filter((m) => !m.muted && isFailingClassification(m.classification));
  const which = failing.map((m) => `${m.name} is ${m.classification}`).join(', ');
  return failing.length > 0 ? `${rule}: ${which}` : rule;
}
