import { ValidationError } from '../config/validation';

/**
 * Report-store names are `<runId>/<name>` keys (S3) or paths (files): only plain segments of letters, digits,
 * `.`, `_` and `-` separated by `/`, no segment starting with a dot. That rules out `..`, absolute paths,
 * backslashes and hidden files, so a name can never leave the run's folder or prefix.
 */

/** A run's HTML report, `<run-id>/report.html`. */
export const REPORT_NAME = 'report.html';

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

function runIdIssue(runId: string) {
  return RUN_ID.test(runId)
    ? []
    : [{ path: 'runId', message: `"${runId}" is not a run id (letters, digits, - and _ only, at most 63)` }];
}

function nameIssue(name: string) {
  return name.length <= 512 && name.split('/').every((s) => SEGMENT.test(s))
    ? []
    : [
        {
          path: 'name',
          message: `"${name}" is not a safe report name (segments of letters, digits, . _ - separated by /, none starting with .)`,
        },
      ];
}

/** Whether a folder or key prefix is named like a run (so it can be listed as one). */
export function isRunId(name: string): boolean {
  return RUN_ID.test(name);
}

/** A file at the store's root: one plain segment. */
export function assertSafeRootName(name: string): void {
  if (SEGMENT.test(name)) return;
  throw new ValidationError('report location', [
    { path: 'name', message: `"${name}" is not a safe file name (letters, digits, . _ -, not starting with .)` },
  ]);
}

export function assertSafeRunId(runId: string): void {
  const issues = runIdIssue(runId);
  if (issues.length > 0) throw new ValidationError('report location', issues);
}

export function assertSafeReportName(runId: string, name: string): void {
  const issues = [...runIdIssue(runId), ...nameIssue(name)];
  if (issues.length > 0) throw new ValidationError('report location', issues);
}

/** The store-wide key of a report: `<runId>/<name>`. */
export function reportKey(runId: string, name: string): string {
  assertSafeReportName(runId, name);
  return `${runId}/${name}`;
}
