import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertSafeReportName, assertSafeRootName, assertSafeRunId, isRunId, reportKey } from './report-names';
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
    await writeWhole(file, body);
    return { key: reportKey(runId, name), url: file };
  }

  async putRoot(name: string, body: string, _contentType: string): Promise<StoredReport> {
    assertSafeRootName(name);
    const file = path.join(this.rootDir, name);
    await writeWhole(file, body);
    return { key: name, url: file };
  }

  async rootLink(runId: string, name: string): Promise<string> {
    assertSafeReportName(runId, name);
    return `${runId}/${name}`;
  }

  /** Folders named like a run id; [] when the root does not exist yet. */
  async runIds(): Promise<string[]> {
    try {
      const entries = await readdir(this.rootDir, { withFileTypes: true });
      return entries
        .filter((e) => e.isDirectory() && isRunId(e.name))
        .map((e) => e.name)
        .sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
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

/** Write then rename, so a reader (or a browser reloading the page) never sees half a file. */
async function writeWhole(file: string, body: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  // unique per write: runs in one process may write the same file (the runs index) at the same moment
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temp, body, 'utf8');
  await rename(temp, file);
}
