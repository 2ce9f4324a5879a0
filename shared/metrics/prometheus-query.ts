import type { Scope } from './metric-source';

/**
 * Kayenta-style PromQL templates: `${scope}` becomes the version's label selector (the source's
 * scopeSelector with `${role}`, `${version}` and `${runId}` filled in); `${step}` becomes the query step
 * (e.g. `10s`), the natural range for rate() so each point covers its own step and no other.
 */

/** A value inside a PromQL double-quoted string. */
function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function scopeSelector(template: string, scope: Scope): string {
  const values: Record<string, string> = { role: scope.role, version: scope.version, runId: scope.runId };
  return template.replace(/\$\{(role|version|runId)\}/g, (_, key: string) => escapeLabelValue(values[key]));
}

export function renderQuery(template: string, selector: string, stepSeconds: number): string {
  return template.replaceAll('${scope}', selector).replaceAll('${step}', `${stepSeconds}s`);
}

/** Prometheus writes special floats as strings: "NaN", "+Inf", "-Inf". */
export function parseSampleValue(value: string): number {
  if (value === '+Inf') return Infinity;
  if (value === '-Inf') return -Infinity;
  return Number(value);
}

/**
 * Evaluation times for a window: multiples of the step, the first one step after the window starts, so
 * a `[${step}]` range never reaches back before the window (e.g. into a warm-up).
 */
export function evaluationRange(
  window: { start: Date; end: Date },
  stepSeconds: number,
): { start: number; end: number } | undefined {
  const step = stepSeconds * 1000;
  const start = Math.ceil(window.start.getTime() / step) * step + step;
  const end = Math.floor(window.end.getTime() / step) * step;
  return end >= start ? { start: start / 1000, end: end / 1000 } : undefined;
}
