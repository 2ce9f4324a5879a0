import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { renderRunReport } from '../../../shared/reports/html-report';
import { DEFAULT_METRICS, buildRunReportFixture } from '../../support/run-report-fixture';
import { launchChromium } from '../../support/chromium';

// Browser-side code is passed as strings: the project compiles without the DOM lib.

/**
 * The report as a person sees it: rendered from realistic data, opened from a file:// URL in headless Chromium
 * (Debian's, installed by scripts/ensure-system-deps.sh). Set CANARY_JUDGE_KEEP_SCREENSHOTS=1 to keep the PNG.
 */

jest.setTimeout(90_000);

describe('run report in a browser', () => {
  let dir: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cj-report-browser-'));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (process.env.CANARY_JUDGE_KEEP_SCREENSHOTS === '1') {
      console.log(`report and screenshot kept in ${dir}`);
    } else if (dir) {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('renders with no errors, visible verdict and sized plots, loading nothing else', async () => {
    const file = path.join(dir, 'report.html');
    // 101 one-second points: the series end on a tick (14:02:00), whose label sits at the plot's right edge.
    await writeFile(file, renderRunReport(buildRunReportFixture({ points: 101 })), 'utf8');
    const url = pathToFileURL(file).href;

    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(url, { waitUntil: 'load' });

    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);

    const decision = page.locator('[data-field="decision"]');
    await expect(decision.isVisible()).resolves.toBe(true);
    expect(await decision.textContent()).toBe('ROLLED BACK');
    expect(
      await page.evaluate(`getComputedStyle(document.querySelector('[data-field="decision"]')).backgroundColor`),
    ).toBe('rgb(185, 28, 28)');
    expect(await page.locator('[data-field="summary"]').textContent()).toMatch(
      /^critical metric latency-p99 failed at step 2 of 3: latency-p99 is higher on the canary \(median \d+ ms → \d+ ms, \+\d+\.\d%\)$/,
    );
    expect(await page.locator('[data-field="verdict"]').textContent()).toBe('fail');
    expect(await page.title()).toBe('canary-judge · checkout-api 1.5.0 · rolled back');

    const expected: Record<string, number> = {
      score: 1,
      timeline: 1,
      timeseries: DEFAULT_METRICS.length,
      distribution: DEFAULT_METRICS.length,
    };
    for (const [kind, count] of Object.entries(expected)) {
      const plots = page.locator(`svg[data-plot="${kind}"]`);
      expect(await plots.count()).toBe(count);
      for (const box of await Promise.all((await plots.all()).map((p) => p.boundingBox()))) {
        expect(box?.width).toBeGreaterThan(100);
        expect(box?.height).toBeGreaterThan(20);
      }
    }
    // Each time-series plot's lines have real geometry (not collapsed to a point).
    const lineWidths = (await page.evaluate(
      `[...document.querySelectorAll('svg[data-plot="timeseries"] g[data-series] path')].map((p) => p.getBBox().width)`,
    )) as number[];
    expect(lineWidths).toHaveLength(2 * DEFAULT_METRICS.length);
    for (const width of lineWidths) expect(width).toBeGreaterThan(300);

    // Every label of every plot lies inside its plot: none is cut off at an edge (e.g. the last time label).
    const clipped = (await page.evaluate(
      `[...document.querySelectorAll('svg[data-plot]')].flatMap((svg) => {
        const width = svg.viewBox.baseVal.width;
        return [...svg.querySelectorAll('text')]
          .filter((t) => { const b = t.getBBox(); return b.x < -0.5 || b.x + b.width > width + 0.5; })
          .map((t) => svg.dataset.plot + ': ' + t.textContent);
      })`,
    )) as string[];
    expect(clipped).toEqual([]);

    // Nothing wider than the viewport: the page reads without horizontal scrolling, nor do its tables in their frames.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1200);
    expect(
      await page.evaluate(
        `[...document.querySelectorAll('.table-wrap')].filter((d) => d.scrollWidth > d.clientWidth).length`,
      ),
    ).toBe(0);

    const screenshot = path.join(dir, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    const png = await readFile(screenshot);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect((await stat(screenshot)).size).toBeGreaterThan(50_000);
    await page.close();
  });

  it('stays readable on a phone-sized screen', async () => {
    const file = path.join(dir, 'narrow.html');
    await writeFile(file, renderRunReport(buildRunReportFixture()), 'utf8');
    const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
    await page.goto(pathToFileURL(file).href);
    expect(await page.locator('[data-field="decision"]').isVisible()).toBe(true);
    const box = await page.locator('svg[data-plot="timeseries"]').first().boundingBox();
    expect(box?.width).toBeGreaterThan(250);
    expect(box?.width).toBeLessThanOrEqual(420);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(420);
    await page.screenshot({ path: path.join(dir, 'narrow.png'), fullPage: true });
    await page.close();
  });
});
