import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { trafficSchema } from '../config/run-config';
import { parseOrThrow } from '../config/validation';
import { writeJson } from '../fleet/process-records';

/**
 * A run driven from this machine (`canary-judge run`, either target) is recorded under
 * `<stateDir>/<runId>/run.json` before it creates anything, with the process driving it, and marked
 * `stoppedAt` once its teardown finished. A record without `stoppedAt` whose owner is gone is a run that
 * died (SIGKILL, a crash) and left its resources behind: `canary-judge cleanup` and the next run's start
 * find it here, and its resources by their run-id tag.
 */

export const RUN_RECORD = 'run.json';

const processSchema = z.object({ pid: z.number().int().positive(), startTicks: z.number().optional() });

export const runRecordSchema = z
  .object({
    runId: z.string().min(1),
    target: z.enum(['local', 'aws']),
    /** The process driving the run (the CLI). */
    owner: processSchema,
    /** The listener the run's rule is on. */
    traffic: trafficSchema,
    /** Local runs: the router's admin URL its adapters used. */
    routerUrl: z.string().min(1).optional(),
    startedAt: z.string().min(1),
    stoppedAt: z.string().min(1).optional(),
  })
  .refine((r) => r.target !== 'local' || r.routerUrl !== undefined, {
    path: ['routerUrl'],
    message: 'a local run records its router',
  });

export type RunRecord = z.infer<typeof runRecordSchema>;

export class RunRecords {
  constructor(readonly stateDir: string) {}

  async started(record: RunRecord): Promise<void> {
    const dir = join(this.stateDir, record.runId);
    await mkdir(dir, { recursive: true });
    await writeJson(join(dir, RUN_RECORD), record);
  }

  /** Marks the run's teardown as finished; a run without a record has nothing to mark. */
  async stopped(runId: string, at = new Date()): Promise<void> {
    const record = await this.read(runId);
    if (record && !record.stoppedAt) await writeJson(this.file(runId), { ...record, stoppedAt: at.toISOString() });
  }

  async read(runId: string): Promise<RunRecord | undefined> {
    let text: string;
    try {
      text = await readFile(this.file(runId), 'utf8');
    } catch {
      return undefined;
    }
    return parseOrThrow(runRecordSchema, JSON.parse(text), this.file(runId));
  }

  /** Every recorded run, in run-id order. */
  async list(): Promise<RunRecord[]> {
    let dirs: string[];
    try {
      dirs = (await readdir(this.stateDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch {
      return [];
    }
    const records: RunRecord[] = [];
    for (const runId of dirs.sort()) {
      const record = await this.read(runId);
      if (record) records.push(record);
    }
    return records;
  }

  private file(runId: string): string {
    return join(this.stateDir, runId, RUN_RECORD);
  }
}
