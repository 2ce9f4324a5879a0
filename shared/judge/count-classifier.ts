import type { Direction } from './canary-config';
import { noData, type Classified, type EffectSizeThresholds } from './classifier';
import { binomialRateTest } from './binomial-rate-test';
import { countTest, type CountTestResult } from './count-test';
import { formatNumber } from './format';
import type { CountMetricData, CountSummary } from './types';

/**
 * A count metric (events of exposures: 5xx of requests, slow requests of requests) classified by the count test
 * (count-test.ts). The effect-size floors are the test's null boundaries: `allowedIncrease` ×1.1 means "fail only when
 * the data prove the canary's rate is more than 1.1 times the baseline's", a statement with a guarantee, not
 * "significant and the estimate above the floor". A proven failure is critical when the metric is critical and the rate
 * ratio's estimate reaches its critical floor, or (judge option rollbackFloors) when the estimate reaches its rollback
 * floor. There is no minimum sample: the test holds at any size, a small sample just proves little.
 */

export interface CountClassifierSettings {
  direction: Direction;
  critical: boolean;
  mustHaveData: boolean;
  /**
   * `anytime-valid` (count-test.ts): alpha is the error per side over the whole run, however often it is looked at;
   * `conditional-binomial` (binomial-rate-test.ts): alpha is this look's level, from the run's planned boundary.
   */
  test: 'anytime-valid' | 'conditional-binomial';
  /** Error per side (see `test`). */
  alpha: number;
  effectSize: EffectSizeThresholds;
  /** Rate ratios at or beyond which a proven failure fails the canary whatever `critical` says. */
  rollbackFloors?: { increase?: number; decrease?: number };
  /** Compute the confidence sequence (false: decisions only). */
  interval: boolean;
  /** The anytime-valid test's relative alternatives (default its ALTERNATIVE_GRID). */
  alternatives?: readonly number[];
  /**
   * Error per side of the exact test that joins the anytime-valid one at the run's last planned look (the conditional
   * binomial test on all counts so far); absent: no such test.
   */
  finalAlpha?: number;
}

/** A summary the count test has just made: its test and p-values are always there (stored ones may predate them). */
export type FreshCountSummary = CountSummary & Required<Pick<CountSummary, 'test' | 'pIncrease' | 'pDecrease'>>;

export interface CountClassified extends Classified {
  counts: FreshCountSummary;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const thousands = (n: number) => n.toLocaleString('en-US');

/** A rate as a percent with two significant digits (0.41%, 0.0021%, 12%), "0%" for none. */
export function formatRate(rate: number | null): string {
  if (rate === null) return '-';
  if (rate === 0) return '0%';
  return `${Number((rate * 100).toPrecision(2))}%`;
}

/** A ratio as ×2.05 (three significant digits), ×∞ when unbounded. */
export function formatRatio(ratio: number | null): string {
  if (ratio === null || Number.isNaN(ratio)) return '×-';
  if (!Number.isFinite(ratio)) return '×∞';
  return `×${Number(ratio.toPrecision(3))}`;
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);

function summaryOf(result: CountTestResult, alpha: number): FreshCountSummary {
  return {
    baseline: result.baseline,
    canary: result.canary,
    rateRatio: result.rateRatio,
    lower: finite(result.lower),
    upper: finite(result.upper),
    alpha,
    test: result.test,
    logEIncrease: result.logEIncrease,
    logEDecrease: result.logEDecrease,
    pIncrease: result.pIncrease,
    pDecrease: result.pDecrease,
    informativePeriods: result.informativePeriods,
  };
}

/** "canary 0.41% (49 of 11,920) vs baseline 0.2% (24 of 12,010); rate ×2.05 [CI ×1.3, ×3.3]" */
export function describeCounts(name: string, r: CountTestResult): string {
  const side = (t: CountTestResult['canary']) =>
    `${formatRate(t.rate)} (${thousands(t.events)} of ${thousands(t.total)})`;
  const interval = Number.isNaN(r.lower) ? '' : ` [CI ${formatRatio(r.lower)}, ${formatRatio(r.upper)}]`;
  const ratio =
    r.rateRatio === null && r.canary.events > 0 ? '×∞ (the baseline had none)' : `${formatRatio(r.rateRatio)}`;
  return `canary ${name} ${side(r.canary)} vs baseline ${side(r.baseline)}; rate ${ratio}${interval}`;
}

/** "the exact test at the run's last look (p 0.002969 ≤ 0.01; ×1.5 or more at 99 %)" */
function exactProof(final: CountTestResult, side: 'increase' | 'decrease', alpha: number): string {
  const p = side === 'increase' ? final.pIncrease : final.pDecrease;
  const bound = side === 'increase' ? final.lower : final.upper;
  const level = `${Number((100 * (1 - alpha)).toPrecision(4))} %`;
  const reach = Number.isNaN(bound)
    ? ''
    : `; ${formatRatio(bound)} or ${side === 'increase' ? 'more' : 'less'} at ${level}`;
  return `the exact test at the run's last look (p ${formatNumber(p)} ≤ ${formatNumber(alpha)}${reach})`;
}

export function classifyCounts(name: string, data: CountMetricData, s: CountClassifierSettings): CountClassified {
  const run = s.test === 'conditional-binomial' ? binomialRateTest : countTest;
  const totals = { baseline: sum(data.baseline.totals), canary: sum(data.canary.totals) };
  const base = { insufficientData: false, test: null };
  if (totals.baseline === 0 || totals.canary === 0) {
    const missing = noData(
      `Missing data for ${name} (canary ${thousands(totals.canary)} requests, baseline ${thousands(totals.baseline)} requests)`,
      s,
    );
    const empty = run(data.baseline, data.canary, { alpha: s.alpha, allowedIncrease: 1, allowedDecrease: 1 });
    return { ...missing, counts: summaryOf(empty, s.alpha) };
  }
  const result = run(data.baseline, data.canary, {
    alpha: s.alpha,
    allowedIncrease: s.effectSize.allowedIncrease,
    allowedDecrease: s.effectSize.allowedDecrease,
    interval: s.interval,
    alternatives: s.alternatives,
  });
  const final =
    s.finalAlpha !== undefined && s.test === 'anytime-valid'
      ? binomialRateTest(data.baseline, data.canary, {
          alpha: s.finalAlpha,
          allowedIncrease: s.effectSize.allowedIncrease,
          allowedDecrease: s.effectSize.allowedDecrease,
          interval: s.interval,
        })
      : undefined;
  const counts: FreshCountSummary = final
    ? {
        ...summaryOf(result, s.alpha),
        finalTest: {
          alpha: s.finalAlpha as number,
          pIncrease: final.pIncrease,
          pDecrease: final.pDecrease,
          ...(s.interval ? { lower: finite(final.lower), upper: finite(final.upper) } : {}),
        },
      }
    : summaryOf(result, s.alpha);
  const described = describeCounts(name, result);
  const ratio = result.rateRatio ?? (result.canary.events > 0 ? Infinity : NaN);
  const common = { ...base, counts, ratio: result.rateRatio, effectSize: result.rateRatio };
  if (result.baseline.events === 0 && result.canary.events === 0) {
    return { ...common, classification: 'Pass', critical: false, reason: `${described}: no events on either side` };
  }

  const upOk = s.direction !== 'decrease';
  const downOk = s.direction !== 'increase';
  const proven = { increase: result.increase || !!final?.increase, decrease: result.decrease || !!final?.decrease };
  const fail = (side: 'increase' | 'decrease'): CountClassified => {
    const allowed = side === 'increase' ? s.effectSize.allowedIncrease : s.effectSize.allowedDecrease;
    const beyond = (floor: number | undefined) =>
      floor !== undefined && (side === 'increase' ? ratio >= floor : ratio <= floor);
    const criticalFloor = side === 'increase' ? s.effectSize.criticalIncrease : s.effectSize.criticalDecrease;
    const rollbackFloor = s.rollbackFloors?.[side];
    const critical = (s.critical && beyond(criticalFloor)) || beyond(rollbackFloor);
    // the exact test speaks only at the run's last look, and only where the anytime-valid one did not already prove it;
    // its one-sided bound says how far the rate is proven to be, where the confidence sequence shown is wider
    const byFinal = final && !result[side] ? ` by ${exactProof(final, side, s.finalAlpha as number)}` : '';
    const provenText = `${side === 'increase' ? 'above' : 'below'} allowed ${formatRatio(allowed)}${byFinal}`;
    const why =
      s.critical && beyond(criticalFloor)
        ? `; at or beyond the critical ${formatRatio(criticalFloor)}`
        : critical
          ? `; at or beyond the rollback floor ${formatRatio(rollbackFloor as number)}`
          : '';
    return {
      ...common,
      classification: side === 'increase' ? 'High' : 'Low',
      critical,
      reason: `${critical ? 'critical: ' : ''}${described}, proven ${provenText}${why}`,
    };
  };
  if (proven.increase && upOk) return fail('increase');
  if (proven.decrease && downOk) return fail('decrease');
  const notFailing = proven.increase
    ? `; higher, but an increase is not a failure (direction ${s.direction})`
    : proven.decrease
      ? `; lower, but a decrease is not a failure (direction ${s.direction})`
      : '';
  return { ...common, classification: 'Pass', critical: false, reason: `${described}${notFailing}` };
}
