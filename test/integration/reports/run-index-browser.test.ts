import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { FileReportStore } from '../../../shared/reports/file-report-store';
import { finishRun } from '../../support/finished-runs';
import { launchChromium } from '../../support/chromium';

// Browser-side code is passed as strings: the project compiles without the DOM lib.

/**
 * The runs' index.html as a person opens it: three runs finished into a local reports folder (Notify rewrote the
 * index after each), the page opened from a file:// URL in headless Chromium, a run's link followed to its report.
 */

jest.setTimeout(90_000);

describe('runs index in a browser', () => {
  let root: string;
  let browser: Browser;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'cj-index-browser-'));
    const store = new FileReportStore(root);
    await finishRun(store, { runId: 'shop-1-0-0-1', startedAt: '2026-11-20T10:00:00.000Z', promoted: true });
    await finishRun(store, {
      runId: 'shop-1-1-0-2',
      startedAt: '2026-11-21T10:00:00.000Z',
      service: 'shop<img src=x onerror="document.title=1">',
      canaryVersion: '1.1.0<script>document.title=2</script>',
    });
    await finishRun(store, { runId: 'shop-1-2-0-3', startedAt: '2026-11-22T10:00:00.000Z' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('lists every run newest first, escaped, loading nothing else, and links to each report', async () => {
    const url = pathToFileURL(path.join(root, 'index.html')).href;
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
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
    expect(await page.title()).toBe('canary-judge · runs');

    const rows = (await page.evaluate(
      `[...document.querySelectorAll('tr[data-run]')].map((tr) => [...tr.cells].map((td) => td.textContent.trim()))`,
    )) as string[][];
    expect(rows.map((r) => r[0])).toEqual(['shop-1-2-0-3', 'shop-1-1-0-2', 'shop-1-0-0-1']);
    expect(rows[0].slice(1, 7)).toEqual([
      'checkout-api',
      '1.4.2 → 1.5.0',
      '2026-11-22 10:00:00',
      '2m 22s',
      'ROLLED BACK',
      '0',
    ]);
    expect(rows[0][7]).toMatch(
      /^critical metric latency-p99 failed at step 2 of 3: latency-p99 is higher on the canary/,
    );
    expect(rows[2].slice(5, 7)).toEqual(['PROMOTED', '100']);
    // User text shows as text: no element was made of it, nothing ran.
    expect(rows[1][1]).toBe('shop<img src=x onerror="document.title=1">');
    expect(rows[1][2]).toBe('1.4.2 → 1.1.0<script>document.title=2</script>');
    expect(await page.evaluate(`document.querySelectorAll('img, script').length`)).toBe(0);
    expect(
      await page.evaluate(
        `getComputedStyle(document.querySelector('tr[data-run="shop-1-0-0-1"] [data-field="decision"]')).backgroundColor`,
      ),
    ).toBe('rgb(21, 128, 61)');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1200);

    await Promise.all([page.waitForNavigation(), page.click('tr[data-run="shop-1-1-0-2"] a[data-field="report"]')]);
    expect(page.url()).toBe(pathToFileURL(path.join(root, 'shop-1-1-0-2', 'report.html')).href);
    expect(await page.locator('[data-field="decision"]').textContent()).toBe('ROLLED BACK');
    expect(await page.locator('footer').textContent()).toBe('canary-judge run report · run shop-1-1-0-2');
    await page.close();
  });
});
