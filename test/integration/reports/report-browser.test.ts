import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { renderRunReport } from '../../../shared/reports/html-report';
import { DEFAULT_METRICS, buildRunReportFixture } from '../../support/run-report-fixture';

// Browser-side code is passed as strings: the project compiles without the DOM lib.

/**
 * The report as a person sees it: rendered from realistic data, opened from a file:// URL in headless Chromium
 * (Debian's, installed by scripts/ensure-system-deps.sh). Set CANARY_JUDGE_KEEP_SCREENSHOTS=1 to keep the PNG.
 */

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

jest.setTimeout(90_000);

describe('run report in a browser', () => {
  let dir: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cj-report-browser-'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 60_000 });
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
    await writeFile(file, renderRunReport(buildRunReportFixture()), 'utf8');
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

    const verdict = page.locator('[data-field="verdict"]');
    await expect(verdict.isVisible()).resolves.toBe(true);
    expect(await verdict.textContent()).toBe('FAIL');
    expect(
      await page.evaluate(`getComputedStyle(document.querySelector('[data-field="verdict"]')).backgroundColor`),
    ).toBe('rgb(185, 28, 28)');
    expect(await page.locator('[data-field="status"]').textContent()).toBe('rolled back');
    expect(await page.title()).toBe('canary-judge · checkout-api 1.5.0 · fail');

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

    // Nothing wider than the viewport: the page reads without horizontal scrolling.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1200);

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
    expect(await page.locator('[data-field="verdict"]').isVisible()).toBe(true);
    const box = await page.locator('svg[data-plot="timeseries"]').first().boundingBox();
    expect(box?.width).toBeGreaterThan(250);
    expect(box?.width).toBeLessThanOrEqual(420);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(420);
    await page.screenshot({ path: path.join(dir, 'narrow.png'), fullPage: true });
    await page.close();
  });
});
