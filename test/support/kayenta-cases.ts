import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Kayenta's own test cases (test/fixtures/reference/kayenta-cases.json; origin in its README).
 * The file writes NaN as the string "NaN"; it is turned back into NaN here.
 */

export interface KayentaCase<I = Record<string, unknown>, E = Record<string, unknown>> {
  name: string;
  kind: string;
  source: string;
  input: I;
  expected: E;
  observed?: Record<string, unknown>;
  notes?: string;
}

const CASES_PATH = resolve(__dirname, '../fixtures/reference/kayenta-cases.json');

let cache: KayentaCase[] | undefined;

function reviveNaN(_key: string, value: unknown): unknown {
  return value === 'NaN' ? NaN : value;
}

export function kayentaCases<I = Record<string, unknown>, E = Record<string, unknown>>(
  kind: string,
): KayentaCase<I, E>[] {
  cache ??= JSON.parse(readFileSync(CASES_PATH, 'utf8'), reviveNaN) as KayentaCase[];
  const cases = cache.filter((c) => c.kind === kind);
  if (cases.length === 0) throw new Error(`no Kayenta cases of kind ${kind} in ${CASES_PATH}`);
  return cases as unknown as KayentaCase<I, E>[];
}
