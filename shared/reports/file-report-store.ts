import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertSafeReportName, assertSafeRunId, reportKey } from './report-names';
import type { ReportStore, StoredReport } from './report-store';

/** The local report store: `<rootDir>/<runId>/<name>`; the link is the file's absolute path. */
export class FileReportStore implements ReportStore {
  private readonly rootDir: string;

  constructor(rootDir: string) {
    this.rootDir = path.resolve(rootDir);
  }

  private filePath(runId: string, name: string): string {
    assertSafeReportName(runId, name);
    return path.join(this.rootDir, runId, ...name.split('/'));
  }

  /** Content type is implied by the file name locally; it only matters for S3. */
  async put(runId: string, name: string, body: string, _contentType: string): Promise<StoredReport> {
    const file = this.filePath(runId, name);
    await mkdir(path.dirname(file), { recursive: true });
    // Write then rename, so a reader (or a browser reloading the report) never sees half a file.
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, body, 'utf8');
    await rename(temp, file);
    return { key: reportKey(runId, name), url: file };
  }

  async get(runId: string, name: string): Promise<string | undefined> {
    try {
      return await readFile(this.filePath(runId, name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Names under the run, `/`-separated, sorted; [] for an unknown run. */
  async list(runId: string): Promise<string[]> {
    assertSafeRunId(runId);
    const runDir = path.join(this.rootDir, runId);
    try {
      const entries = await readdir(runDir, { recursive: true, withFileTypes: true });
      return entries
        .filter((e) => e.isFile() && !e.name.endsWith('.tmp'))
        .map((e) => path.relative(runDir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
        .sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }
}
