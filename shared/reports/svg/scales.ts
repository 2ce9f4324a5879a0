/** Linear scales and "nice" ticks for the report's SVG charts. */

export interface LinearScale {
  (value: number): number;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const scale = (value: number) => (span === 0 ? (r0 + r1) / 2 : r0 + ((value - d0) / span) * (r1 - r0));
  return Object.assign(scale, { domain, range });
}

/** Min and max of the finite values, or undefined when there are none. */
export function finiteExtent(values: Iterable<number>): [number, number] | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? [min, max] : undefined;
}

/** Widens a domain by a fraction of its span on both sides; a single value gets a visible span around it. */
export function padDomain([min, max]: readonly [number, number], fraction = 0.05): [number, number] {
  if (min === max) {
    const half = min === 0 ? 1 : Math.abs(min) * 0.1;
    return [min - half, max + half];
  }
  const pad = (max - min) * fraction;
  return [min - pad, max + pad];
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** Domain widened outward to whole multiples of a 1/2/2.5/5 step, and the ticks at those multiples. */
export function niceLinear(
  domain: readonly [number, number],
  count = 5,
): { domain: [number, number]; ticks: number[] } {
  const [min, max] = domain[0] === domain[1] ? padDomain(domain) : domain;
  const step = niceStep(max - min, count);
  const start = Math.floor(min / step) * step;
  const end = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let i = 0; start + i * step <= end + step / 2; i++) {
    // Rounded to the step's precision so 0.1 + 0.2 does not print as 0.30000000000000004.
    ticks.push(Number((start + i * step).toPrecision(12)));
  }
  return { domain: [ticks[0], ticks[ticks.length - 1]], ticks };
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const TIME_STEPS = [
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  24 * HOUR,
];

/** Ticks at round UTC clock times (every 10 s, 5 min, 1 h, ...) inside [start, end], epoch ms. */
export function timeTicks([start, end]: readonly [number, number], count = 6): { ticks: number[]; step: number } {
  const target = (end - start) / Math.max(1, count);
  const step = TIME_STEPS.find((s) => s >= target) ?? TIME_STEPS[TIME_STEPS.length - 1];
  const ticks: number[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) ticks.push(t);
  return { ticks, step };
}

/** "14:03:05" for second-resolution steps, "14:03" otherwise (UTC). */
export function formatClock(epochMs: number, step: number): string {
  const iso = new Date(epochMs).toISOString();
  return step < MINUTE ? iso.slice(11, 19) : iso.slice(11, 16);
}
