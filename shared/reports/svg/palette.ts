import type { Classification } from '../../judge/types';
import type { OutcomeVerdict } from '../../run-model/run-state';
import type { DecisionLabel } from '../run-summary';

/** Colours: blue/orange for baseline/canary (distinguishable with the common colour-vision deficiencies). */

export const BASELINE_COLOR = '#2563eb';
export const CANARY_COLOR = '#ea580c';

export const VERDICT_COLORS: Record<OutcomeVerdict, string> = {
  pass: '#15803d',
  marginal: '#b45309',
  fail: '#b91c1c',
  inconclusive: '#7c3aed',
};

const NEUTRAL = '#4b5563';

/** The decision leads every view, so its colour is the page's: green promoted, red rolled back, violet unjudged. */
export const DECISION_COLORS: Record<DecisionLabel, string> = {
  PROMOTED: VERDICT_COLORS.pass,
  'WOULD PROMOTE (DRY RUN)': VERDICT_COLORS.pass,
  'ROLLED BACK': VERDICT_COLORS.fail,
  'COULD NOT JUDGE': VERDICT_COLORS.inconclusive,
  FAILED: VERDICT_COLORS.fail,
  'IN PROGRESS': NEUTRAL,
};

/** A score's colour is the band it falls in by the decision rule: ≤ marginal rolls back, ≥ pass may promote. */
export function scoreBandColor(score: number, thresholds: { marginal: number; pass: number }): string {
  if (score <= thresholds.marginal) return VERDICT_COLORS.fail;
  return score >= thresholds.pass ? VERDICT_COLORS.pass : VERDICT_COLORS.marginal;
}

export const CLASSIFICATION_COLORS: Record<Classification, string> = {
  Pass: '#15803d',
  High: '#b91c1c',
  Low: '#b91c1c',
  Nodata: '#6b7280',
  NodataFailMetric: '#b91c1c',
  Error: '#7c3aed',
};
