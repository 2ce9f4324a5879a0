import type { ReportStore, StoredReport } from './report-store';
import { renderRunIndex } from './run-index-page';
import { RUN_RECORD_NAME, runRecordSchema, type RunRecord } from './run-record';
import { REPORT_NAME } from './report-names';

/**
 * The runs a report store holds, read from each run's `run.json`, and the index.html Notify rewrites beside them.
 * Each run writes only its own record, so two runs finishing at once never overwrite each other's entry; the
 * index is derived from all records each time, and read again after it is written until what it was made from still
 * holds, so the last of two simultaneous rewrites lists both runs.
 */

export const INDEX_NAME = 'index.html';

/** Records are read this many at a time. */
const PARALLEL_READS = 16;

export interface RunRecords {
  records: RunRecord[];
  /** Run folders whose run.json is not a run record (hand-edited, or from another version), with why. */
  unreadable: { runId: string; problem: string }[];
}

async function readRecord(store: ReportStore, runId: string): Promise<RunRecord | { problem: string } | undefined> {
  const text = await store.get(runId, RUN_RECORD_NAME);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { problem: `${RUN_RECORD_NAME} is not JSON: ${(error as Error).message}` };
  }
  const parsed = runRecordSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `${RUN_RECORD_NAME}: ${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  return parsed.data;
}

/** Every run with a record; runs without one (still going, or from before records existed) are left out. */
export async function readRunRecords(store: ReportStore): Promise<RunRecords> {
  const ids = await store.runIds();
  const out: RunRecords = { records: [], unreadable: [] };
  for (let i = 0; i < ids.length; i += PARALLEL_READS) {
    const batch = ids.slice(i, i + PARALLEL_READS);
    const read = await Promise.all(batch.map((id) => readRecord(store, id)));
    read.forEach((r, k) => {
      if (r === undefined) return;
      if ('problem' in r) out.unreadable.push({ runId: batch[k], problem: r.problem });
      else out.records.push(r);
    });
  }
  return out;
}

/** Rewrites of one index at most: each further one needs yet another run to have finished meanwhile. */
const MAX_REWRITES = 5;

const recordsKey = (records: RunRecord[]) =>
  JSON.stringify([...records].sort((a, b) => a.runId.localeCompare(b.runId)));

/**
 * Rewrites index.html at the store's root from every run's record; each run links to its report. If the records
 * changed while the page was made, it is made again: a run finishing at the same moment wrote its record before its
 * own rewrite, so whichever rewrite lands last has read both records. It costs a second read of the records.
 */
export async function writeRunIndex(store: ReportStore, writtenAt = new Date()): Promise<StoredReport> {
  let { records } = await readRunRecords(store);
  for (let rewrite = 1; ; rewrite++) {
    const links = await Promise.all(
      records.map(
        async (r) => [r.runId, r.reportKey ? await store.rootLink(r.runId, REPORT_NAME) : undefined] as const,
      ),
    );
    const reportLinks = new Map(links.filter((l): l is readonly [string, string] => l[1] !== undefined));
    const html = renderRunIndex({ records, reportLinks, writtenAt });
    const written = await store.putRoot(INDEX_NAME, html, 'text/html; charset=utf-8');
    const now = (await readRunRecords(store)).records;
    if (rewrite === MAX_REWRITES || recordsKey(now) === recordsKey(records)) return written;
    records = now;
  }
}
