import { z } from 'zod';
import { ValidationError, parseOrThrow } from '../config/validation';
import { judgeResultSchema } from '../judge/result-schema';
import { metricSeriesSchema } from '../metrics/series-schema';
import { actionSchema, judgmentSummarySchema } from '../run-model/run-state-schema';
import type { ReportStore } from './report-store';

/**
 * What the workflow writes per step to the report store as `judgments/step-<n>.json`, as the one zod schema its
 * type derives from. Read back (the next look of the step, notify's report), it is parsed with it, so a file that
 * was edited or written by another version fails naming the field instead of breaking the report half-way.
 */

/** One look of the step, compact: the stored judgment of a step keeps the list of its looks for the report. */
export const lookRecordSchema = z.object({
  look: z.number().int().min(1),
  judgedAt: z.string().min(1),
  score: z.number(),
  action: actionSchema,
  /** Metrics not Pass at this look (High, Low, NodataFailMetric, Error). */
  failing: z.array(z.string()),
});

/** The step's latest look in full, and (written by a run, not by analyze) all its looks in brief. */
export const storedJudgmentSchema = z.object({
  summary: judgmentSummarySchema,
  result: judgeResultSchema,
  series: z.array(metricSeriesSchema),
  looks: z.array(lookRecordSchema).optional(),
});

export type LookRecord = z.output<typeof lookRecordSchema>;
export type StoredJudgment = z.output<typeof storedJudgmentSchema>;

/** A stored judgment's text, parsed and checked; a bad one throws a ValidationError naming the file and the field. */
export function parseStoredJudgment(text: string, key: string): StoredJudgment {
  const what = `stored judgment ${key}`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(what, [{ path: '', message: `not JSON: ${(error as Error).message}` }]);
  }
  return parseOrThrow(storedJudgmentSchema, json, what);
}

/** The run's stored judgment under `key`, or undefined when the store has none there. */
export async function readStoredJudgment(
  reports: Pick<ReportStore, 'get'>,
  runId: string,
  key: string,
): Promise<StoredJudgment | undefined> {
  const text = await reports.get(runId, key);
  return text === undefined ? undefined : parseStoredJudgment(text, key);
}
