/** Number formatting for reasons and the CLI: short, stable, ASCII only. */

/** Four significant digits; exponent form for very large or very small magnitudes; "-" for no value. */
export function formatNumber(x: number | null): string {
  if (x === null || Number.isNaN(x)) return '-';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e6 || abs < 1e-4) return x.toExponential(3).replace(/\.?0+e/, 'e');
  return String(Number(x.toPrecision(4)));
}

/** A relative change as a signed percent with one decimal: 0.184 → "+18.4%". */
export function formatPercent(fraction: number): string {
  const text = Math.abs(fraction * 100).toFixed(1);
  if (Number(text) === 0) return '0.0%';
  return `${fraction > 0 ? '+' : '-'}${text}%`;
}

/** A signed absolute change: 0.05 → "+0.05". */
export function formatSigned(x: number): string {
  const text = formatNumber(x);
  return x > 0 ? `+${text}` : text;
}
