import type { Classification } from '../../judge/types';
import type { OutcomeVerdict } from '../../run/run-state';

/** Colours: blue/orange for baseline/canary (distinguishable with the common colour-vision deficiencies). */

export const BASELINE_COLOR = '#2563eb';
export const CANARY_COLOR = '#ea580c';

export const VERDICT_COLORS: Record<OutcomeVerdict, string> = {
  pass: '#15803d',
  marginal: '#b45309',
  fail: '#b91c1c',
  inconclusive: '#7c3aed',
};

export const CLASSIFICATION_COLORS: Record<Classification, string> = {
  Pass: '#15803d',
  High: '#b91c1c',
  Low: '#b91c1c',
  Nodata: '#6b7280',
  NodataFailMetric: '#b91c1c',
  Error: '#7c3aed',
};
