import { normalCdf } from '../../../shared/judge/normal';
import {
  bucketInformationShare,
  logNormalFromQuantiles,
  PROMETHEUS_DEFAULT_BUCKETS_SECONDS,
} from '../../../shared/plan/latency-shift';

/** The latency the bench simulates: median 80 ms, log-sd 0.6. */
const latency = { medianSeconds: 0.08, sigma: 0.6 };

describe('the share of the information about a latency shift that histogram buckets keep', () => {
  it('is 2/π with one bound at the median and tends to 1 with fine buckets', () => {
    expect(bucketInformationShare([latency.medianSeconds], latency)).toBeCloseTo(2 / Math.PI, 12);
    const fine = Array.from(
      { length: 2001 },
      (_, i) => latency.medianSeconds * Math.exp(latency.sigma * (i / 200 - 5)),
    );
    expect(bucketInformationShare(fine, latency)).toBeCloseTo(1, 5);
    expect(bucketInformationShare([], latency)).toBe(0);
  });

  it("matches Σ p′²/p from finite differences of the bucket probabilities under a shift: 88 % for Prometheus' defaults", () => {
    const bounds = PROMETHEUS_DEFAULT_BUCKETS_SECONDS;
    const probabilities = (shift: number) => {
      const cdf = [
        0,
        ...bounds.map((b) => normalCdf((Math.log(b / latency.medianSeconds) - shift) / latency.sigma)),
        1,
      ];
      return cdf.slice(1).map((c, j) => c - cdf[j]);
    };
    const h = 1e-5;
    const [below, at, above] = [-h, 0, h].map(probabilities);
    // information per request about the shift of log latency, in units of the full 1/σ²
    const numeric = at.reduce((sum, p, j) => sum + ((above[j] - below[j]) / (2 * h)) ** 2 / p, 0) * latency.sigma ** 2;
    expect(bucketInformationShare(bounds, latency)).toBeCloseTo(numeric, 6);
    expect(bucketInformationShare(bounds, latency)).toBeCloseTo(0.88, 2);
  });

  it('keeps less when the latency sits between two far bounds: a 20 ms service in the default buckets', () => {
    const fast = logNormalFromQuantiles(0.02, 0.08);
    expect(bucketInformationShare(PROMETHEUS_DEFAULT_BUCKETS_SECONDS, fast)).toBeLessThan(
      bucketInformationShare(PROMETHEUS_DEFAULT_BUCKETS_SECONDS, latency),
    );
  });
});

describe('logNormalFromQuantiles', () => {
  it('puts p50 at the median and p99 at Φ⁻¹(0.99) log-sds above it', () => {
    const { medianSeconds, sigma } = logNormalFromQuantiles(0.08, 0.08 * Math.exp(0.6 * 2.3263478740408408));
    expect(medianSeconds).toBe(0.08);
    expect(sigma).toBeCloseTo(0.6, 14);
  });

  it('refuses a p99 not above the p50', () => {
    expect(() => logNormalFromQuantiles(0.1, 0.1)).toThrow('a log-normal needs 0 < p50 < p99 (got p50 0.1, p99 0.1)');
    expect(() => logNormalFromQuantiles(0, 1)).toThrow(RangeError);
  });
});
