/**
 * Metric values in the unit a person reads them in, from the canary metric's `unit` (presets set it): `seconds`
 * in ms (s from 1 s on), `ratio` (a share) in %, `percent` as %, `count` as a plain number, any
 * other label after the number. Without a unit the number stands alone. Differences of shares (ratio, percent)
 * are in percentage points ("pp"), so they cannot be taken for a relative change.
 */

/** [from, divisor, suffix]: below 10 000 plain integers read better than "1.23k"; the 0.9995 keeps 999 999 from printing as "1e+3k". */
const SI_SUFFIXES: [number, number, string][] = [
  [1e12, 1e12, 'T'],
  [1e9, 1e9, 'G'],
  [1e6, 1e6, 'M'],
  [1e4, 1e3, 'k'],
];

function trimZeros(text: string): string {
  return text.includes('.') && !text.includes('e') ? text.replace(/\.?0+$/, '') : text;
}

/** A metric value with 3 significant digits: 0.0123, 412, 12.3k, 1.2e-5; "–" for null or non-finite. */
export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  for (const [from, divisor, suffix] of SI_SUFFIXES) {
    if (abs >= from * 0.9995) return `${trimZeros((value / divisor).toPrecision(3))}${suffix}`;
  }
  if (abs >= 999.5) return String(Math.round(value));
  if (abs < 1e-3) return value.toExponential(2).replace(/\.?0+e/, 'e');
  return trimZeros(value.toPrecision(3));
}

/** The unit of each metric of a canary config, by name. */
export function metricUnits(config: { metrics: readonly { name: string; unit?: string }[] }): Map<string, string> {
  return new Map(config.metrics.flatMap((m) => (m.unit ? [[m.name, m.unit] as const] : [])));
}

/** One scale below a second (ms), so an interval's two ends and an axis's ticks read alike. */
function seconds(value: number): string {
  return Math.abs(value) >= 1 ? `${formatValue(value)} s` : `${formatValue(value * 1e3)} ms`;
}

function withUnit(value: number, unit: string | undefined, shareSuffix: string): string {
  switch (unit) {
    case undefined:
    case 'count':
      return formatValue(value);
    case 'seconds':
      return seconds(value);
    case 'ratio':
      return `${formatValue(value * 100)}${shareSuffix}`;
    case 'percent':
      return `${formatValue(value)}${shareSuffix}`;
    default:
      return `${formatValue(value)} ${unit}`;
  }
}

const missing = (value: number | null | undefined): value is null | undefined =>
  value === null || value === undefined || !Number.isFinite(value);

/** A value: "22.2 ms", "0.41%", "41.2%", "153", "12 req"; "–" for none. */
export function formatMeasure(value: number | null | undefined, unit?: string): string {
  if (missing(value)) return '–';
  return withUnit(value, unit, '%');
}

/**
 * A difference of values of about this size that is under 1e-12 of it is floating-point rounding, not a difference
 * (0.1 + 0.2 − 0.3 = 5.6e-17): shown as 0. Exact results keep it; only what people read drops it.
 */
const ROUNDING = 1e-12;

/**
 * A signed difference of two values: "+10.1 ms", "+16.7 pp", "-3"; "–" for none. `scale`: the size of the values it is
 * a difference of (absent: every difference shows).
 */
export function formatDifference(value: number | null | undefined, unit?: string, scale = 0): string {
  if (missing(value)) return '–';
  if (value === 0 || Math.abs(value) <= Math.abs(scale) * ROUNDING)
    return formatMeasure(0, unit === 'ratio' || unit === 'percent' ? 'pp' : unit);
  const text = withUnit(value, unit, ' pp');
  return value > 0 ? `+${text}` : text;
}
