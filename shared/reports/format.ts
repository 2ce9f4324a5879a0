/** Number and time formatting shared by the HTML report and the notifiers (deterministic: UTC, no locale). */

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

/** Relative change canary vs baseline in percent; null when the baseline is 0 or a side is missing. */
export function percentChange(baseline: number | null | undefined, canary: number | null | undefined): number | null {
  if (baseline === null || baseline === undefined || canary === null || canary === undefined) return null;
  if (baseline === 0 || !Number.isFinite(baseline) || !Number.isFinite(canary)) return null;
  return ((canary - baseline) / Math.abs(baseline)) * 100;
}

export function formatPercent(percent: number | null): string {
  if (percent === null || !Number.isFinite(percent)) return '–';
  const rounded = Math.abs(percent) >= 100 ? percent.toFixed(0) : percent.toFixed(1);
  if (rounded === '0.0' || rounded === '-0.0') return '0.0%';
  return `${percent > 0 ? '+' : ''}${rounded}%`;
}

export function formatScore(score: number): string {
  return score.toFixed(2).replace(/\.?0+$/, '') || '0';
}

/** "2026-11-22 14:03:05 UTC"; the input as is when it does not parse. */
export function formatTime(iso: string | number | undefined): string {
  if (iso === undefined) return '–';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/**
 * A span of time under a "(UTC)" heading: "2026-11-22 14:00:00 – 14:10:00"; the end with its date when it falls on
 * another day (an analysis' cumulative windows can span days, and "14:00:00 – 14:00:00" would read as nothing).
 */
export function formatSpan(start: string, end: string): string {
  const [from, to] = [formatTime(start).replace(' UTC', ''), formatTime(end).replace(' UTC', '')];
  return `${from} – ${from.slice(0, 10) === to.slice(0, 10) ? to.slice(11) : to}`;
}

/** "1h 05m", "12m 30s", "45s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const total = Math.round(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
  return `${seconds}s`;
}
