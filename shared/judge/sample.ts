/**
 * A sample in the two orders the judge's statistics need: as measured, because the sums behind means and variances
 * round differently in another order (Kayenta sums in this one), and ascending, for ranks, ties and percentiles.
 * Built once per cleaned sample, so the classifier, Mann-Whitney and the summary stats share one sort.
 */
export interface Sample {
  /** Not copied: whoever builds the Sample must not change the array afterwards. */
  readonly values: readonly number[];
  /** `values` ascending, in Float64Array order (-0 before 0, NaN last). */
  readonly sorted: Float64Array;
}

export function sampleOf(values: readonly number[]): Sample {
  return { values, sorted: Float64Array.from(values).sort() };
}
