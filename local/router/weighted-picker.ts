/**
 * Smooth weighted round-robin (as in nginx): deterministic and exact over every cycle of sum(weights) picks,
 * and within about one pick of the exact share at any point in between, so a weighted forward's split can be
 * tested with exact counts. Entries with weight 0 are never picked.
 */
export class SmoothWeightedPicker<T> {
  private readonly current: number[];
  private readonly total: number;

  constructor(private readonly entries: readonly { item: T; weight: number }[]) {
    this.current = entries.map(() => 0);
    this.total = entries.reduce((sum, e) => sum + e.weight, 0);
    if (this.total <= 0) throw new Error('SmoothWeightedPicker needs at least one positive weight');
  }

  pick(): T {
    let best = -1;
    for (let i = 0; i < this.entries.length; i += 1) {
      if (this.entries[i].weight === 0) continue;
      this.current[i] += this.entries[i].weight;
      if (best < 0 || this.current[i] > this.current[best]) best = i;
    }
    this.current[best] -= this.total;
    return this.entries[best].item;
  }
}
