import type { z } from 'zod';
import { parseOrThrow, ValidationError } from '../config/validation';
import { HttpError } from './http';

/** JSON bodies of the run API: 400s that name the bad field, never a 500 for bad input. */

export function parseJsonBody(body: Buffer, options: { emptyAs?: unknown } = {}): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '' && 'emptyAs' in options) return options.emptyAs;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'invalid-json', `body is not JSON: ${(error as Error).message}`);
  }
}

/** Validate with a zod schema; `check` may add refusals of its own by throwing ValidationError. */
export function validateBody<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  check: (parsed: z.infer<S>) => void = () => undefined,
): z.infer<S> {
  try {
    const parsed = parseOrThrow(schema, value, what);
    check(parsed);
    return parsed;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new HttpError(400, `invalid-${what.replace(/\s+/g, '-')}`, error.message, {
      field: error.issues[0]?.path,
      issues: error.issues,
    });
  }
}
