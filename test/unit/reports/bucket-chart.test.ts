import { renderBucketChart } from '../../../shared/reports/svg/bucket-chart';
import { formatMeasure } from '../../../shared/judge/units';

/** The requests-per-bucket chart of a histogram metric: each version's shares, the buckets in use, their labels. */

const chart = (baseline: number[], canary: number[], bounds = [0.05, 0.1, 0.25, 0.5]) =>
  renderBucketChart({
    title: 'latency: requests per bucket',
    bounds,
    sides: [
      { id: 'baseline', label: 'baseline', color: '#00f', counts: baseline },
      { id: 'canary', label: 'canary', color: '#f80', counts: canary },
    ],
    formatBound: (v) => formatMeasure(v, 'seconds'),
    rootAttrs: { 'data-plot': 'buckets' },
  });

/** [series, bucket label, share] of every bar, in order. */
const bars = (svg: string) =>
  [...svg.matchAll(/<rect [^>]*data-series="(\w+)" data-bucket="([^"]+)" data-share="([^"]+)"/g)].map((m) => [
    m[1],
    m[2],
    Number(m[3]),
  ]);

describe('renderBucketChart', () => {
  it("draws each version's share of its own requests per bucket, two bars a bucket, leaving out empty buckets at the ends", () => {
    const svg = chart([0, 10, 30, 10, 0], [0, 5, 20, 20, 5]);
    expect(bars(svg)).toEqual([
      ['baseline', '≤ 100 ms', 0.2],
      ['canary', '≤ 100 ms', 0.1],
      ['baseline', '≤ 250 ms', 0.6],
      ['canary', '≤ 250 ms', 0.4],
      ['baseline', '≤ 500 ms', 0.2],
      ['canary', '≤ 500 ms', 0.4],
      ['baseline', '&gt; 500 ms', 0],
      ['canary', '&gt; 500 ms', 0.1],
    ]);
    expect(svg).toContain('aria-label="latency: requests per bucket"');
    expect(svg).toContain('data-plot="buckets"');
    // the y axis in percent of the version's requests, up to the largest share
    expect(svg).toMatch(/>60%</);
  });

  it('a taller bar for a larger share: the canary bar of its most loaded bucket is the tallest', () => {
    const svg = chart([0, 10, 30, 10, 0], [0, 5, 20, 20, 5]);
    const heights = [
      ...svg.matchAll(/<rect [^>]*height="([\d.]+)"[^>]*data-series="(\w+)" data-bucket="([^"]+)"/g),
    ].map((m) => ({ height: Number(m[1]), series: m[2], bucket: m[3] }));
    const tallest = heights.reduce((a, b) => (b.height > a.height ? b : a));
    expect(tallest).toMatchObject({ series: 'baseline', bucket: '≤ 250 ms' });
    const canary250 = heights.find((h) => h.series === 'canary' && h.bucket === '≤ 250 ms')!;
    const canary500 = heights.find((h) => h.series === 'canary' && h.bucket === '≤ 500 ms')!;
    expect(canary250.height).toBeCloseTo(canary500.height, 0);
    expect(tallest.height / canary250.height).toBeCloseTo(1.5, 1);
  });

  it('keeps shares exact in data-share (not rounded like coordinates)', () => {
    expect(bars(chart([1, 2, 0, 0, 0], [3, 0, 0, 0, 0]))).toEqual([
      ['baseline', '≤ 50 ms', 0.333333],
      ['canary', '≤ 50 ms', 1],
      ['baseline', '≤ 100 ms', 0.666667],
      ['canary', '≤ 100 ms', 0],
    ]);
  });

  it('says "no requests" when neither version has any', () => {
    const svg = chart([0, 0, 0, 0, 0], [0, 0, 0, 0, 0]);
    expect(svg).toContain('data-empty="true"');
    expect(svg).toContain('no requests');
    expect(bars(svg)).toEqual([]);
  });
});
