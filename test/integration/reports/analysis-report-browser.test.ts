import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { analyze } from '../../../shared/analyze/analyze';
import type { AnalysisResult } from '../../../shared/run-model/analysis-result';
import { PrometheusSource } from '../../../shared/metrics/prometheus-source';
import { FileReportStore } from '../../../shared/reports/file-report-store';
import { launchChromium } from '../../support/chromium';
import { startPrometheus, type PrometheusServer } from '../../support/prometheus';
import { recordedOpenMetrics } from '../../support/recorded-traffic';

// Browser-side code is passed as strings: the project compiles without the DOM lib.

/**
 * The analysis report as a person sees it: written by `analyze` from a real Prometheus holding recorded series (the
 * traffic of test/support/recorded-traffic.ts, backfilled with promtool), opened from a file:// URL in headless
 * Chromium. Set CANARY_JUDGE_KEEP_SCREENSHOTS=1 to keep the reports and their PNGs.
 */

jest.setTimeout(90_000);

const MINUTE = 60_000;

describe('analysis report in a browser', () => {
  let dir: string;
  let browser: Browser;
  let prometheus: PrometheusServer;
  let t0: number;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cj-analysis-browser-'));
    t0 = Math.floor(Date.now() / MINUTE) * MINUTE - 40 * MINUTE;
    prometheus = await startPrometheus({ targets: [], backfill: recordedOpenMetrics(t0, -5, 29) });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await prometheus?.stop();
    if (process.env.CANARY_JUDGE_KEEP_SCREENSHOTS === '1') {
      console.log(`reports and screenshots kept in ${dir}`);
    } else if (dir) {
      await rm(dir, { recursive: true, force: true });
    }
  });

  /** The analysis of the past half hour in 10-minute intervals, its report written under `dir`. */
  function analyzeCanary(version: string, analysisId: string): Promise<AnalysisResult> {
    return analyze(
      {
        analysisId,
        service: 'shop',
        baseline: '{job="shop",version="v1"}',
        canary: `{job="shop",version="${version}"}`,
        from: new Date(t0).toISOString(),
        to: new Date(t0 + 30 * MINUTE).toISOString(),
        intervalSeconds: 600,
        metricsSource: { type: 'prometheus', url: prometheus.url, stepSeconds: 60 },
        canaryConfig: {
          name: 'shop-analysis',
          metrics: [
            { name: 'error-rate', preset: 'error-rate-5xx' },
            { name: 'latency', preset: 'latency-average' },
          ],
          classifier: { groupWeights: { errors: 50, latency: 50 } },
        },
      },
      {
        metrics: new PrometheusSource({ url: prometheus.url, stepSeconds: 60, scopeSelector: 'unused="${role}"' }),
        reports: new FileReportStore(dir),
      },
    );
  }

  /** Opens the report, failing on any console error or warning, page error or request other than the file. */
  async function open(result: AnalysisResult, width: number): Promise<Page> {
    const url = pathToFileURL(result.report!.url).href;
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(url, { waitUntil: 'load' });
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    return page;
  }

  /** Every plot sized, every label of every plot inside it, nothing wider than the viewport. */
  async function expectLaidOut(page: Page, width: number, plots: Record<string, number>): Promise<void> {
    for (const [kind, count] of Object.entries(plots)) {
      const boxes = await Promise.all(
        (await page.locator(`svg[data-plot="${kind}"]`).all()).map((p) => p.boundingBox()),
      );
      expect(boxes).toHaveLength(count);
      for (const box of boxes) {
        expect(box?.width).toBeGreaterThan(kind === 'score' ? 100 : 250);
        expect(box?.height).toBeGreaterThan(20);
      }
    }
    const clipped = (await page.evaluate(
      `[...document.querySelectorAll('svg[data-plot]')].flatMap((svg) => {
        const width = svg.viewBox.baseVal.width;
        return [...svg.querySelectorAll('text')]
          .filter((t) => { const b = t.getBBox(); return b.x < -0.5 || b.x + b.width > width + 0.5; })
          .map((t) => svg.dataset.plot + ': ' + t.textContent);
      })`,
    )) as string[];
    expect(clipped).toEqual([]);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
    // At a desktop width no table scrolls sideways inside its frame (the metric table's last columns out of view).
    if (width >= 1000) {
      const tables = (await page.evaluate(
        `[...document.querySelectorAll('.table-wrap')].map((d) => d.scrollWidth - d.clientWidth)`,
      )) as number[];
      expect(tables.length).toBeGreaterThanOrEqual(2);
      expect(tables.filter((extra) => extra > 0)).toEqual([]);
    }
  }

  const cells = (page: Page, rows: string) =>
    page.evaluate(
      `[...document.querySelectorAll(${JSON.stringify(rows)})].map((tr) => [...tr.cells].map((td) => td.textContent.trim()))`,
    ) as Promise<string[][]>;

  it('a canary that would roll back: red decision, the interval that decided, metrics in their units', async () => {
    const result = await analyzeCanary('v2', 'shop-v2');
    const page = await open(result, 1200);
    expect(await page.title()).toBe('canary-judge analysis · shop {job="shop",version="v2"} · would roll back');

    const decision = page.locator('[data-field="decision"]');
    expect(await decision.isVisible()).toBe(true);
    expect(await decision.textContent()).toBe('WOULD ROLL BACK');
    expect(
      await page.evaluate(`getComputedStyle(document.querySelector('[data-field="decision"]')).backgroundColor`),
    ).toBe('rgb(185, 28, 28)');
    expect(await page.locator('[data-field="summary"]').textContent()).toBe(result.summary);
    expect(result.summary).toMatch(/^critical metric error-rate failed at interval 1 of 3: error-rate is higher/);
    expect(await page.locator('[data-field="verdict"]').textContent()).toBe('fail');
    expect(await page.locator('[data-field="score"]').textContent()).toBe(String(result.score));
    expect(await page.locator('[data-field="canary"]').textContent()).toBe('{job="shop",version="v2"}');

    const intervals = await cells(page, 'tr[data-interval]');
    expect(intervals).toHaveLength(1);
    const clock = (t: number) => new Date(t).toISOString().slice(11, 19);
    expect(intervals[0].slice(0, 5)).toEqual([
      '1',
      `${new Date(t0).toISOString().slice(0, 10)} ${clock(t0)} – ${clock(t0 + 10 * MINUTE)}`,
      String(result.score),
      'fail',
      'rollback',
    ]);
    expect(intervals[0][5]).toMatch(/^interval 1\/3: /);

    // The metric table: each metric's numbers in its unit (latency in ms, the 5xx as a rate of counted requests).
    const metrics = Object.fromEntries((await cells(page, '#metrics tr[data-metric]')).map((r) => [r[0], r]));
    expect(Object.keys(metrics).map((name) => name.split(/\s/)[0])).toEqual(['error-rate', 'latency']);
    const latency = Object.values(metrics).find((r) => r[0].startsWith('latency'))!;
    const errors = Object.values(metrics).find((r) => r[0].startsWith('error-rate'))!;
    expect(latency.slice(1, 5)).toEqual(['High', '104 ms', '166 ms', '+60.0%']);
    expect(errors[1]).toBe('High');
    expect(errors.slice(2, 4).join(' | ')).toMatch(/^5\.5% \(60 of 1,096\) \| 20% \(220 of 1,096\)$/);

    await expectLaidOut(page, 1200, { score: 1, timeseries: 2, distribution: 2 });
    // The time-series plots show the interval's ten one-minute points per version: lines with real width.
    const lineWidths = (await page.evaluate(
      `[...document.querySelectorAll('svg[data-plot="timeseries"] g[data-series] path')].map((p) => p.getBBox().width)`,
    )) as number[];
    expect(lineWidths.length).toBeGreaterThanOrEqual(2);
    for (const w of lineWidths) expect(w).toBeGreaterThan(300);
    // Latency axes read in ms, as the table does.
    // The 5xx card speaks of the rate ratio; only latency's distribution draws a shift (the ratio is no shift in %).
    expect(await page.locator('#metric-error-rate p.stats').textContent()).toMatch(
      /^n = 10 baseline \/ 10 canary periods; rate ratio ×3\.67 \[CI ×[\d.]+, ×[\d.]+\] \(anytime-valid test: a confidence sequence, valid at whichever look it is read\)$/,
    );
    expect(await page.locator('svg[data-plot="distribution"][data-metric="error-rate"] [data-shift]').count()).toBe(0);
    expect(await page.locator('svg[data-plot="distribution"][data-metric="latency"] [data-shift]').count()).toBe(1);
    const latencyAxis = (await page.evaluate(
      `[...document.querySelectorAll('svg[data-plot="timeseries"][data-metric="latency"] text')].map((t) => t.textContent)`,
    )) as string[];
    expect(latencyAxis.some((t) => / ms$/.test(t))).toBe(true);

    const screenshot = path.join(dir, 'shop-v2.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect((await readFile(screenshot)).subarray(1, 4).toString('latin1')).toBe('PNG');
    expect((await stat(screenshot)).size).toBeGreaterThan(50_000);
    await page.close();
  });

  it('a canary like its baseline: green decision, three interval rows, earlier intervals, readable at 420 px', async () => {
    const result = await analyzeCanary('v3', 'shop-v3');
    expect(result.label).toBe('WOULD PROMOTE');
    for (const width of [1200, 420]) {
      const page = await open(result, width);
      expect(await page.locator('[data-field="decision"]').textContent()).toBe('WOULD PROMOTE');
      expect(
        await page.evaluate(`getComputedStyle(document.querySelector('[data-field="decision"]')).backgroundColor`),
      ).toBe('rgb(21, 128, 61)');
      expect(await page.locator('[data-field="summary"]').textContent()).toBe(
        'score 100 ≥ pass 75 after the last interval; all 2 metrics passed',
      );
      const intervals = await cells(page, 'tr[data-interval]');
      expect(intervals.map((r) => [r[0], r[2], r[3], r[4]])).toEqual([
        ['1', '100', 'pass', 'continue'],
        ['2', '100', 'pass', 'continue'],
        ['3', '100', 'pass', 'promote'],
      ]);
      expect(await page.locator('#metrics h2').textContent()).toBe('Metrics at interval 3: score 100 → promote');
      expect(await page.locator('details > summary').allTextContents()).toEqual([
        'Interval 1 · score 100 → continue',
        'Interval 2 · score 100 → continue',
      ]);
      await expectLaidOut(page, width, { score: 1, timeseries: 2, distribution: 2 });
      await page.screenshot({ path: path.join(dir, `shop-v3-${width}.png`), fullPage: true });
      await page.close();
    }
  });
});
