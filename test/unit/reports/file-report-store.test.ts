import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ValidationError } from '../../../shared/config/validation';
import { FileReportStore } from '../../../shared/reports/file-report-store';

describe('FileReportStore', () => {
  let parent: string;
  let root: string;
  let store: FileReportStore;

  beforeEach(async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'cj-reports-'));
    root = path.join(parent, 'reports');
    store = new FileReportStore(root);
  });
  afterEach(() => rm(parent, { recursive: true, force: true }));

  it('puts files under <root>/<runId>/<name> and links them by absolute path', async () => {
    const stored = await store.put('run-1', 'judgments/step-1.json', '{"a":1}', 'application/json');
    expect(stored).toEqual({
      key: 'run-1/judgments/step-1.json',
      url: path.join(root, 'run-1', 'judgments', 'step-1.json'),
    });
    expect(path.isAbsolute(stored.url)).toBe(true);
    expect(await readFile(stored.url, 'utf8')).toBe('{"a":1}');
  });

  it('gets what was put, overwrites, and answers undefined for a missing name', async () => {
    await store.put('run-1', 'report.html', 'first', 'text/html');
    await store.put('run-1', 'report.html', 'second', 'text/html');
    expect(await store.get('run-1', 'report.html')).toBe('second');
    expect(await store.get('run-1', 'nope.html')).toBeUndefined();
    expect(await store.get('other-run', 'report.html')).toBeUndefined();
  });

  it('lists a run’s names sorted with / separators, and [] for an unknown run', async () => {
    await store.put('run-1', 'report.html', 'x', 'text/html');
    await store.put('run-1', 'judgments/step-2.json', 'x', 'application/json');
    await store.put('run-1', 'judgments/step-1.json', 'x', 'application/json');
    await store.put('run-2', 'report.html', 'x', 'text/html');
    expect(await store.list('run-1')).toEqual(['judgments/step-1.json', 'judgments/step-2.json', 'report.html']);
    expect(await store.list('run-3')).toEqual([]);
  });

  it.each([
    ['run-1', '../escape.html', 'name'],
    ['run-1', 'judgments/../../escape.html', 'name'],
    ['run-1', '/etc/passwd', 'name'],
    ['run-1', '.hidden', 'name'],
    ['run-1', 'a\\..\\b', 'name'],
    ['run-1', 'a//b', 'name'],
    ['run-1', '', 'name'],
    ['../run-0', 'report.html', 'runId'],
    ['run/1', 'report.html', 'runId'],
  ])('rejects runId %j name %j naming the field, and writes nothing', async (runId, name, field) => {
    const attempt = store.put(runId, name, 'x', 'text/plain');
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(store.put(runId, name, 'x', 'text/plain')).rejects.toThrow(
      new RegExp(`^invalid report location: ${field}: `),
    );
    await expect(store.get(runId, name)).rejects.toBeInstanceOf(ValidationError);
    expect(await readdir(parent)).toEqual([]);
  });

  it('rejects an unsafe run id when listing', async () => {
    await expect(store.list('..')).rejects.toBeInstanceOf(ValidationError);
  });
});
