import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ValidationError } from '../../../shared/config/validation';
import { FileReportStore } from '../../../shared/reports/file-report-store';
import { readRunRecords, writeRunIndex } from '../../../shared/reports/run-index';
import { renderRunIndex } from '../../../shared/reports/run-index-page';
import { runRecord, type RunRecord } from '../../../shared/reports/run-record';
import { buildRunReportFixture } from '../../support/run-report-fixture';

const record = (runId: string, startedAt: string, over: Partial<RunRecord> = {}): RunRecord => ({
  ...runRecord(buildRunReportFixture().state),
  runId,
  startedAt,
  ...over,
});

describe('run record', () => {
  it('holds who, what, when, the decision and why, the score and the report of a finished run', () => {
    const { state } = buildRunReportFixture();
    expect(runRecord(state)).toEqual({
      runId: 'checkout-api-20261122-1400',
      service: 'checkout-api',
      baselineVersion: '1.4.2',
      canaryVersion: '1.5.0',
      target: 'local',
      dryRun: false,
      startedAt: '2026-11-22T14:00:00.000Z',
      finishedAt: '2026-11-22T14:02:22.000Z',
      durationSeconds: 142,
      decision: 'ROLLED BACK',
      summary:
        'critical metric latency-p99 failed at step 2 of 3: latency-p99 is higher on the canary (median 120 ms → 146 ms, +21.3%)',
      verdict: 'fail',
      score: 0,
      reportKey: 'checkout-api-20261122-1400/report.html',
      reportUrl: null,
    });
  });
});

describe('runs index page', () => {
  const older = record('shop-1', '2026-11-20T10:00:00.000Z', { decision: 'PROMOTED', score: 100 });
  const newer = record('shop-3', '2026-11-22T10:00:00.000Z', { score: 50 });
  const middle = record('shop-2', '2026-11-21T10:00:00.000Z', {
    service: '<script>x</script>',
    summary: 'why <img src=x onerror=alert(1)> & more',
    decision: 'COULD NOT JUDGE',
  });
  const links = new Map([
    ['shop-1', 'shop-1/report.html'],
    ['shop-3', 'shop-3/report.html'],
  ]);
  const html = renderRunIndex({ records: [older, newer, middle], reportLinks: links, writtenAt: new Date(0) });

  it('lists the runs newest first, each linked to its report, with decision, score and why', () => {
    expect([...html.matchAll(/<tr data-run="([^"]+)">/g)].map((m) => m[1])).toEqual(['shop-3', 'shop-2', 'shop-1']);
    expect(html).toContain('<a href="shop-3/report.html" data-field="report">shop-3</a>');
    expect(html).toContain('<td class="mono">shop-2</td>');
    const shop1 = /<tr data-run="shop-1">([\s\S]*?)<\/tr>/.exec(html)![1];
    expect(shop1).toContain('data-field="decision">PROMOTED<');
    expect(shop1).toContain('style="--c:#15803d"');
    expect(shop1).toContain('<td class="num" data-field="score">100</td>');
    expect(shop1).toContain('<td class="num">2m 22s</td>');
    expect(shop1).toContain('<td class="mono">2026-11-20 10:00:00</td>');
    expect(shop1).toContain('<td>1.4.2 → 1.5.0</td>');
    expect(html).toContain('3 runs, newest first · written 1970-01-01 00:00:00 UTC');
  });

  it('escapes what runs bring in and loads nothing from elsewhere', () => {
    expect(html).not.toMatch(/<script>|<img/);
    expect(html).toContain('<td>&lt;script&gt;x&lt;/script&gt;</td>');
    expect(html).toContain('why &lt;img src=x onerror=alert(1)&gt; &amp; more');
    expect(html).toContain('style="--c:#7c3aed" data-field="decision">COULD NOT JUDGE<');
    const clean = renderRunIndex({ records: [older, newer], reportLinks: links, writtenAt: new Date(0) });
    expect(clean).not.toMatch(/<script|<link|<img|\bsrc=|url\(|https?:\/\//i);
    expect(clean).toContain("default-src 'none'");
  });

  it('says so when there are no runs', () => {
    expect(renderRunIndex({ records: [], reportLinks: new Map(), writtenAt: new Date(0) })).toContain('No runs yet.');
  });
});

describe('runs index in a reports folder', () => {
  let root: string;
  let store: FileReportStore;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'cj-index-'));
    store = new FileReportStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("reads every run's record, names the unreadable ones, and writes index.html beside the run folders", async () => {
    await store.put('run-a', 'run.json', JSON.stringify(record('run-a', '2026-11-20T10:00:00.000Z')), 'x');
    await store.put('run-b', 'run.json', JSON.stringify(record('run-b', '2026-11-21T10:00:00.000Z')), 'x');
    await store.put('run-c', 'run.json', '{"runId": "run-c"}', 'x');
    await store.put('run-d', 'report.html', '<p>a run from before records existed</p>', 'x');
    await mkdir(path.join(root, '.not-a-run'));
    await writeFile(path.join(root, 'notes.txt'), 'not a run');

    expect(await store.runIds()).toEqual(['run-a', 'run-b', 'run-c', 'run-d']);
    const { records, unreadable } = await readRunRecords(store);
    expect(records.map((r) => r.runId).sort()).toEqual(['run-a', 'run-b']);
    expect(unreadable).toEqual([{ runId: 'run-c', problem: expect.stringMatching(/^run\.json: service: /) }]);

    const written = await writeRunIndex(store, new Date('2026-11-22T00:00:00Z'));
    expect(written).toEqual({ key: 'index.html', url: path.join(root, 'index.html') });
    const page = await readFile(path.join(root, 'index.html'), 'utf8');
    expect([...page.matchAll(/<tr data-run="([^"]+)">/g)].map((m) => m[1])).toEqual(['run-b', 'run-a']);
    // Relative links: the folder can be moved or served as it is.
    expect(page).toContain('<a href="run-b/report.html" data-field="report">run-b</a>');
  });

  it('lists both of two runs that finish at once, whichever rewrite lands last', async () => {
    await store.put('run-a', 'run.json', JSON.stringify(record('run-a', '2026-11-20T10:00:00.000Z')), 'x');
    const plain = store;
    // Run A has read the records and rendered its page; before its write lands, run B finishes: it writes its
    // record and its own index, which A's late write then overwrites.
    let finishing = true;
    const racing = Object.create(plain) as FileReportStore;
    racing.putRoot = async (name, body, contentType) => {
      if (finishing) {
        finishing = false;
        await plain.put('run-b', 'run.json', JSON.stringify(record('run-b', '2026-11-21T10:00:00.000Z')), 'x');
        await writeRunIndex(plain);
        const fromB = await readFile(path.join(root, 'index.html'), 'utf8');
        expect([...fromB.matchAll(/<tr data-run="([^"]+)">/g)].map((m) => m[1])).toEqual(['run-b', 'run-a']);
      }
      return plain.putRoot(name, body, contentType);
    };
    await writeRunIndex(racing);
    const page = await readFile(path.join(root, 'index.html'), 'utf8');
    expect([...page.matchAll(/<tr data-run="([^"]+)">/g)].map((m) => m[1])).toEqual(['run-b', 'run-a']);
  });

  it('links relatively and refuses root names that are not one plain segment', async () => {
    expect(await store.rootLink('run-a', 'report.html')).toBe('run-a/report.html');
    for (const name of ['../index.html', 'a/b.html', '.hidden', '']) {
      await expect(store.putRoot(name, 'x', 'text/html')).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(store.rootLink('../x', 'report.html')).rejects.toBeInstanceOf(ValidationError);
    expect(await new FileReportStore(path.join(root, 'missing')).runIds()).toEqual([]);
  });
});
