import { boxStats, sortedFinite } from '../../../shared/reports/svg/box-stats';
import { downsampleMinMax, sampleSorted } from '../../../shared/reports/svg/downsample';
import { linePath } from '../../../shared/reports/svg/elements';
import { renderLineChart } from '../../../shared/reports/svg/line-chart';
import { formatClock, linearScale, niceLinear, timeTicks } from '../../../shared/reports/svg/scales';

describe('scales', () => {
  it('maps a domain onto a range, inverted for y', () => {
    const y = linearScale([0, 100], [200, 0]);
    expect(y(0)).toBe(200);
    expect(y(25)).toBe(150);
    expect(y(100)).toBe(0);
  });

  it('widens to nice 1/2/2.5/5 steps', () => {
    expect(niceLinear([0.0913, 0.1797], 4)).toEqual({
      domain: [0.075, 0.2],
      ticks: [0.075, 0.1, 0.125, 0.15, 0.175, 0.2],
    });
    expect(niceLinear([3, 97], 5)).toEqual({ domain: [0, 100], ticks: [0, 20, 40, 60, 80, 100] });
    // A constant series still gets an axis around its value.
    expect(niceLinear([5, 5], 4).domain[0]).toBeLessThan(5);
    expect(niceLinear([5, 5], 4).domain[1]).toBeGreaterThan(5);
  });

  it('puts time ticks on round UTC clock times', () => {
    const start = Date.parse('2026-11-22T14:00:20Z');
    const { ticks, step } = timeTicks([start, start + 120_000], 4);
    expect(step).toBe(30_000);
    expect(ticks.map((t) => formatClock(t, step))).toEqual(['14:00:30', '14:01:00', '14:01:30', '14:02:00']);
    expect(formatClock(Date.parse('2026-11-22T14:05:00Z'), 300_000)).toBe('14:05');
  });
});

describe('downsampling', () => {
  it('keeps short series as they are', () => {
    const points = [1, 2, 3].map((y, x) => ({ x, y }));
    expect(downsampleMinMax(points, 300)).toEqual(points);
  });

  it('keeps at most maxPoints, in x order, and keeps a single spike', () => {
    const points = Array.from({ length: 10_000 }, (_, x) => ({ x, y: x === 7_777 ? 1_000 : Math.sin(x / 50) }));
    const out = downsampleMinMax(points, 300);
    expect(out.length).toBeLessThanOrEqual(300);
    expect(out.length).toBeGreaterThan(290);
    expect(out.map((p) => p.x)).toEqual([...out.map((p) => p.x)].sort((a, b) => a - b));
    expect(out).toContainEqual({ x: 7_777, y: 1_000 });
  });

  it('thins a sorted sample to evenly spaced order statistics including both ends', () => {
    const sorted = Array.from({ length: 1001 }, (_, i) => i);
    const out = sampleSorted(sorted, 11);
    expect(out).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  });
});

describe('box stats', () => {
  it("uses R's type-7 quartiles and Tukey whiskers", () => {
    // R: quantile(c(3,6,7,8,8,9,10,13,15,16,20,60)) -> 7.75 9.5 15.25; upper fence 15.25 + 1.5*7.5 = 26.5
    const box = boxStats(sortedFinite([60, 3, 6, 7, 8, 8, 9, 10, 13, 15, 16, 20, NaN]));
    expect(box).toEqual({
      count: 12,
      q1: 7.75,
      median: 9.5,
      q3: 15.25,
      whiskerLow: 3,
      whiskerHigh: 20,
      min: 3,
      max: 60,
    });
    expect(boxStats([])).toBeUndefined();
  });
});

describe('line chart', () => {
  it('breaks the line at missing values instead of drawing to zero', () => {
    expect(
      linePath([
        { x: 0, y: 1 },
        { x: 1, y: NaN },
        { x: 2, y: 3 },
        { x: 3, y: 4 },
      ]),
    ).toBe('M0 1M2 3L3 4');
  });

  it('renders one group per series and says so when there is no data', () => {
    const svg = renderLineChart({
      title: 't',
      formatY: String,
      series: [
        {
          id: 'a',
          label: 'a',
          color: '#000',
          points: [
            { x: 0, y: 1 },
            { x: 1000, y: 2 },
          ],
        },
        { id: 'b', label: 'b', color: '#111', points: [{ x: 0, y: 3 }] },
      ],
    });
    expect(svg).toContain('data-series="a" data-points="2"');
    expect(svg).toContain('data-series="b" data-points="1"');
    const empty = renderLineChart({
      title: 't',
      formatY: String,
      series: [{ id: 'a', label: 'a', color: '#000', points: [] }],
    });
    expect(empty).toContain('data-empty="true"');
    expect(empty).toContain('>no data<');
  });

  it('keeps the first and last time labels inside the chart when their ticks sit at its edges', () => {
    const start = Date.parse('2026-11-22T14:00:00Z');
    const points = Array.from({ length: 61 }, (_, i) => ({ x: start + i * 1000, y: i % 7 }));
    const width = 460;
    const svg = renderLineChart({
      title: 't',
      formatY: String,
      width,
      series: [{ id: 'a', label: 'a', color: '#000', points }],
    });
    const labels = [...svg.matchAll(/<text x="([\d.]+)" y="226" text-anchor="(\w+)"[^>]*>(\d\d:\d\d:\d\d)</g)].map(
      ([, x, anchor, label]) => ({ x: Number(x), anchor, label }),
    );
    expect(labels.map((l) => l.label)).toEqual(['14:00:00', '14:00:15', '14:00:30', '14:00:45', '14:01:00']);
    expect(labels.map((l) => l.anchor)).toEqual(['middle', 'middle', 'middle', 'middle', 'end']);
    for (const { x, anchor, label } of labels) {
      const w = label.length * 6.2;
      const [from, to] = anchor === 'end' ? [x - w, x] : anchor === 'start' ? [x, x + w] : [x - w / 2, x + w / 2];
      expect(from).toBeGreaterThanOrEqual(0);
      expect(to).toBeLessThanOrEqual(width);
    }
  });
});
