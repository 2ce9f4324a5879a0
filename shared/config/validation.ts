import type { z } from 'zod';

/** Bad input: says which field (as a path) is wrong and why. Thrown before anything is changed. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    readonly what: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(`invalid ${what}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
  }
}

/** One bad field of a run's input, e.g. found by an adapter checking it against what exists. */
export function runInputError(path: string, message: string): ValidationError {
  return new ValidationError('run input', [{ path, message }]);
}

/** The same issues as part of a larger document `what`, whose field `prefix` holds the part (e.g. `canaryConfig`). */
export function nestedIn(error: ValidationError, what: string, prefix: string): ValidationError {
  return new ValidationError(
    what,
    error.issues.map((issue) => ({ ...issue, path: issue.path ? `${prefix}.${issue.path}` : prefix })),
  );
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return acc ? `${acc}.${String(key)}` : String(key);
  }, '');
}

/** Parse with a zod schema; on failure throw a ValidationError naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, data: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw new ValidationError(
    what,
    result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
  );
}
