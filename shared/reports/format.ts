/** Number and time formatting shared by the HTML report and the notifiers (deterministic: UTC, no locale). */

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
