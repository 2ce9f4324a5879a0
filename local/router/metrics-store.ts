/**
 * Per-second metric buckets per series (one series per target group, one for the whole load balancer), in
 * ring buffers: memory stays bounded however long the router runs. Counts, gauges and latency aggregates
 * are kept for `retentionSeconds`; the raw latencies percentiles need only for `rawRetentionSeconds`, and
 * at most `maxSamplesPerSecond` of them per second (a uniform reservoir sample beyond that).
 */

export interface LatencyAggregate {
  count: number;
  sum: number;
  min: number;
  max: number;
}

export interface SecondData {
  second: number;
  counts: ReadonlyMap<string, number>;
  gauges: ReadonlyMap<string, number>;
  latency: LatencyAggregate;
  /** Raw latencies (seconds) of this second, or undefined once they have aged out. */
  samples?: readonly number[];
}

interface SecondBucket {
  second: number;
  counts: Map<string, number>;
  gauges: Map<string, number>;
  latency: LatencyAggregate;
}

interface SampleBucket {
  second: number;
  values: number[];
  /** Latencies offered this second (more than values.length once the reservoir is full). */
  seen: number;
}

interface SeriesBuffer {
  buckets: (SecondBucket | undefined)[];
  samples: (SampleBucket | undefined)[];
}

export interface MetricsStoreOptions {
  retentionSeconds?: number;
  rawRetentionSeconds?: number;
  maxSamplesPerSecond?: number;
  /** Series beyond this many drop the oldest-created one (deleted target groups' metrics linger until then). */
  maxSeries?: number;
  /** Uniform [0, 1) source for the reservoir (seeded in tests). */
  random?: () => number;
}

export class MetricsStore {
  readonly retentionSeconds: number;
  readonly rawRetentionSeconds: number;
  readonly maxSamplesPerSecond: number;
  private readonly maxSeries: number;
  private readonly random: () => number;
  private readonly series = new Map<string, SeriesBuffer>();

  constructor(options: MetricsStoreOptions = {}) {
    this.retentionSeconds = options.retentionSeconds ?? 3600;
    this.rawRetentionSeconds = Math.min(options.rawRetentionSeconds ?? 600, this.retentionSeconds);
    this.maxSamplesPerSecond = options.maxSamplesPerSecond ?? 2000;
    this.maxSeries = options.maxSeries ?? 512;
    this.random = options.random ?? Math.random;
  }

  addCount(seriesKey: string, metric: string, atMs: number, n = 1): void {
    const bucket = this.bucket(seriesKey, atMs);
    if (bucket) bucket.counts.set(metric, (bucket.counts.get(metric) ?? 0) + n);
  }

  setGauge(seriesKey: string, metric: string, atMs: number, value: number): void {
    this.bucket(seriesKey, atMs)?.gauges.set(metric, value);
  }

  addLatency(seriesKey: string, atMs: number, seconds: number): void {
    const bucket = this.bucket(seriesKey, atMs);
    if (!bucket) return;
    const agg = bucket.latency;
    agg.count += 1;
    agg.sum += seconds;
    agg.min = Math.min(agg.min, seconds);
    agg.max = Math.max(agg.max, seconds);
    const samples = this.sampleBucket(seriesKey, atMs);
    if (!samples) return;
    samples.seen += 1;
    if (samples.values.length < this.maxSamplesPerSecond) samples.values.push(seconds);
    else {
      // Algorithm R: every latency of the second ends up in the sample with the same probability.
      const slot = Math.floor(this.random() * samples.seen);
      if (slot < this.maxSamplesPerSecond) samples.values[slot] = seconds;
    }
  }

  /** The seconds in [startSecond, endSecond) that hold data, oldest first. */
  read(seriesKey: string, startSecond: number, endSecond: number): SecondData[] {
    const buffer = this.series.get(seriesKey);
    if (!buffer) return [];
    const out: SecondData[] = [];
    const from = Math.max(startSecond, endSecond - this.retentionSeconds);
    for (let second = from; second < endSecond; second += 1) {
      const bucket = buffer.buckets[mod(second, this.retentionSeconds)];
      if (!bucket || bucket.second !== second) continue;
      const samples = buffer.samples[mod(second, this.rawRetentionSeconds)];
      out.push({ ...bucket, samples: samples && samples.second === second ? samples.values : undefined });
    }
    return out;
  }

  hasSeries(seriesKey: string): boolean {
    return this.series.has(seriesKey);
  }

  private buffer(seriesKey: string): SeriesBuffer {
    let buffer = this.series.get(seriesKey);
    if (!buffer) {
      if (this.series.size >= this.maxSeries) this.series.delete(this.series.keys().next().value as string);
      buffer = { buckets: new Array(this.retentionSeconds), samples: new Array(this.rawRetentionSeconds) };
      this.series.set(seriesKey, buffer);
    }
    return buffer;
  }

  private bucket(seriesKey: string, atMs: number): SecondBucket | undefined {
    return claimSlot(this.buffer(seriesKey).buckets, Math.floor(atMs / 1000), emptySecond);
  }

  private sampleBucket(seriesKey: string, atMs: number): SampleBucket | undefined {
    return claimSlot(this.buffer(seriesKey).samples, Math.floor(atMs / 1000), emptySamples);
  }
}

const emptySecond = (second: number): SecondBucket => ({
  second,
  counts: new Map(),
  gauges: new Map(),
  latency: { count: 0, sum: 0, min: Infinity, max: -Infinity },
});

const emptySamples = (second: number): SampleBucket => ({ second, values: [], seen: 0 });

/**
 * The ring's bucket for `second`: the one its slot holds, or a fresh one replacing an older second's. An
 * older second than the slot holds has already aged out: undefined, and the write is dropped.
 */
function claimSlot<T extends { second: number }>(
  ring: (T | undefined)[],
  second: number,
  fresh: (second: number) => T,
): T | undefined {
  const index = mod(second, ring.length);
  const existing = ring[index];
  if (existing && existing.second === second) return existing;
  if (existing && existing.second > second) return undefined;
  const bucket = fresh(second);
  ring[index] = bucket;
  return bucket;
}

const mod = (n: number, m: number): number => ((n % m) + m) % m;
