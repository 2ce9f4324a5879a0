/** The judge: pure statistics, classifier, scorer and the `judge` entry point. No I/O. */

export { judge, DEFAULT_CONFIDENCE_LEVEL, DEFAULT_THRESHOLDS } from './judge';
export {
  mannWhitney,
  shiftStatistic,
  AllTiedError,
  exactLevelAttainability,
  type ExactLevelAttainability,
} from './mann-whitney';
export {
  classify,
  effectSizeThresholds,
  JUDGE_TOLERANCE,
  type Classified,
  type ClassifierSettings,
  type EffectSizeMeasure,
  type EffectSizeThresholds,
} from './classifier';
export { scoreResults, roundHalfUp2, verdictFor, type ScorableResult, type ScoreOutcome } from './scorer';
export { percentile, summaryStats } from './descriptive';
export { meanRatio, cles, cohenD } from './effect-size';
export { iqrOutliers, kSigmaOutliers, type IqrOptions } from './outliers';
export { removeNaN, replaceNaN, removeOutliers, type OutlierRemoval } from './transforms';
export { erfc, normalCdf, normalQuantile } from './normal';
export {
  ALTERNATIVE_GRID,
  alternativeGrid,
  countTest,
  type CountSide,
  type CountTestOptions,
  type CountTestResult,
  type CountTotals,
} from './count-test';
export { compareBuckets, onCommonBounds, type BucketComparison } from './histogram-test';
export { meanRatioBound, requestRelativeVariance, type HistogramTotals } from './histogram-mean';
export { binomialRateTest, binomialLowerTail, binomialUpperTail } from './binomial-rate-test';
export * from './canary-config';
export * from './metric-data';
export type * from './types';
