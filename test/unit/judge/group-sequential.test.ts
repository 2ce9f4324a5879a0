import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { firstCrossingProbabilities, sequentialBoundaries } from '../../../shared/judge/group-sequential';
import { normalCdf, normalQuantile } from '../../../shared/judge/normal';
import { xorshift32 } from '../../../shared/random/xorshift32';

interface ReferenceCase {
  name: string;
  fractions: number[];
  alphas: number[];
  boundaries: number[];
}

// Exact joint-normal boundaries (scipy) for 2-3 looks and a 2001-point recursion for many looks:
// test/fixtures/judge/group-sequential-reference.py
const reference = JSON.parse(
  readFileSync(join(__dirname, '../../fixtures/judge/group-sequential-reference.json'), 'utf8'),
) as ReferenceCase[];

describe('sequentialBoundaries against independent references', () => {
  it.each(reference.map((c) => [c.name, c] as const))('%s: every boundary within 2e-4', (_, c) => {
    const boundaries = sequentialBoundaries(c.fractions, c.alphas);
    boundaries.forEach((b, k) => expect(Math.abs(b - c.boundaries[k])).toBeLessThan(2e-4));
  });

  it('the first look is the plain normal quantile', () => {
    expect(sequentialBoundaries([0.3], [0.004])[0]).toBe(normalQuantile(1 - 0.004));
  });

  it('looks every minute cost far less than the union bound (z 2.82 instead of 3.21 at the second look)', () => {
    const c = reference.find((r) => r.name.startsWith('every minute')) as ReferenceCase;
    const boundaries = sequentialBoundaries(c.fractions, c.alphas);
    expect(boundaries[1]).toBeCloseTo(2.8164, 3);
    expect(normalQuantile(1 - c.alphas[1])).toBeCloseTo(3.21, 2);
  });

  it('refuses fractions that do not increase and alphas outside (0, 0.5)', () => {
    expect(() => sequentialBoundaries([0.5, 0.5], [0.01, 0.01])).toThrow(
      'information fractions must increase within (0, 1] (look 2: 0.5)',
    );
    expect(() => sequentialBoundaries([0.5], [0])).toThrow('spent alpha must be in (0, 0.5) (look 1: 0)');
  });
});

describe('the boundaries keep the error they spend (seeded Brownian motion)', () => {
  it('12 looks spending 5 % in all: the first-crossing rate of 20,000 null paths is 5 % within its sampling error', () => {
    const fractions = Array.from({ length: 12 }, (_, k) => (k + 1) / 12);
    const alphas = fractions.map(
      (t, k) => 0.05 * (Math.log(1 + (Math.E - 1) * t) - (k === 0 ? 0 : Math.log(1 + (Math.E - 1) * fractions[k - 1]))),
    );
    const boundaries = sequentialBoundaries(fractions, alphas);
    const random = xorshift32(99);
    const normal = () => {
      // Box-Muller on two uniforms
      const u = random() || 1e-12;
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    };
    const paths = 20_000;
    let crossed = 0;
    for (let p = 0; p < paths; p++) {
      let s = 0;
      for (let k = 0; k < fractions.length; k++) {
        s += normal() * Math.sqrt(fractions[k] - (k === 0 ? 0 : fractions[k - 1]));
        if (s / Math.sqrt(fractions[k]) >= boundaries[k]) {
          crossed++;
          break;
        }
      }
    }
    // binomial sd at 5 % of 20,000: 0.15 %; four sd either side
    expect(crossed / paths).toBeGreaterThan(0.05 - 0.006);
    expect(crossed / paths).toBeLessThan(0.05 + 0.006);
  });
});

describe('firstCrossingProbabilities: the power of the boundaries by look', () => {
  const fractions = Array.from({ length: 12 }, (_, k) => (k + 1) / 12);
  const pocock = (t: number) => 0.05 * Math.log(1 + (Math.E - 1) * t);
  const alphas = fractions.map((t, k) => pocock(t) - (k === 0 ? 0 : pocock(fractions[k - 1])));
  const boundaries = sequentialBoundaries(fractions, alphas);

  it('gives back the spent alphas without drift (to 1e-9 relative)', () => {
    firstCrossingProbabilities(fractions, boundaries, 0).forEach((p, k) =>
      expect(Math.abs(p / alphas[k] - 1)).toBeLessThan(1e-9),
    );
  });

  it('is the fixed-sample power at a single look: Φ(θ√t − z)', () => {
    for (const [t, z, drift] of [
      [1, 1.96, 1.96],
      [0.3, 2.5, 4],
      [0.05, 3, 10],
    ]) {
      const [p] = firstCrossingProbabilities([t], [z], drift);
      expect(p).toBeCloseTo(normalCdf(drift * Math.sqrt(t) - z), 14);
    }
  });

  it('matches 20,000 seeded Brownian paths with drift 2.5 (total power 71.24 %) within four sampling sd', () => {
    const computed = firstCrossingProbabilities(fractions, boundaries, 2.5).reduce((a, b) => a + b, 0);
    expect(computed).toBeCloseTo(0.7124, 4);
    const random = xorshift32(7);
    const normal = () => {
      const u = random() || 1e-12;
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    };
    const paths = 20_000;
    let crossed = 0;
    for (let p = 0; p < paths; p++) {
      let s = 0;
      for (let k = 0; k < fractions.length; k++) {
        const dt = fractions[k] - (k === 0 ? 0 : fractions[k - 1]);
        s += 2.5 * dt + normal() * Math.sqrt(dt);
        if (s / Math.sqrt(fractions[k]) >= boundaries[k]) {
          crossed++;
          break;
        }
      }
    }
    const sd = Math.sqrt((computed * (1 - computed)) / paths);
    expect(Math.abs(crossed / paths - computed)).toBeLessThan(4 * sd);
  });

  it('refuses a boundary count that does not match the looks', () => {
    expect(() => firstCrossingProbabilities([0.5, 1], [2], 1)).toThrow('give one boundary per look, at least one look');
  });
});
