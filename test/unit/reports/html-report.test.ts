import { renderRunReport, type RunReportData } from '../../../shared/reports/html-report';
import { DEFAULT_METRICS, buildRunReportFixture } from '../../support/run-report-fixture';

/** All `<svg ...>...</svg>` elements carrying data-plot="<kind>". */
function plots(html: string, kind: string): string[] {
  return [...html.matchAll(/<svg\b[^>]*>[\s\S]*?<\/svg>/g)]
    .map((m) => m[0])
    .filter((svg) => svg.includes(`data-plot="${kind}"`));
}

/** Number of points a path's d attribute draws (M and L commands). */
function pathPoints(group: string): number {
  const d = /<path d="([^"]*)"/.exec(group)?.[1] ?? '';
  return (d.match(/[ML]/g) ?? []).length;
}

function seriesGroup(svg: string, id: string): string {
  const match = new RegExp(`<g data-series="${id}"[\\s\\S]*?</g>(?:</g>)?`).exec(svg);
  if (!match) throw new Error(`no series ${id}`);
  return match[0];
}

function attr(fragment: string, name: string): string | undefined {
  return new RegExp(`${name}="([^"]*)"`).exec(fragment)?.[1];
}

describe('renderRunReport', () => {
  const data = buildRunReportFixture();
  const html = renderRunReport(data);
  const last = data.judgments[data.judgments.length - 1];

  it('shows verdict, score, decision, reason, versions and times', () => {
    expect(html).toMatch(/data-field="verdict">FAIL</);
    expect(html).toMatch(/data-field="score">0</);
    expect(html).toMatch(/data-field="status">rolled back</);
    expect(html).toContain('Canary Failed: latency-p99 was classified as High');
    expect(html).toContain('checkout-api: 1.4.2 → 1.5.0');
    expect(html).toContain('checkout-api-20261122-1400');
    expect(html).toContain('2026-11-22 14:00:00 UTC');
    expect(html).toContain(
      `${data.state.outcome?.finishedAt?.slice(0, 10)} ${data.state.outcome?.finishedAt?.slice(11, 19)} UTC`,
    );
    expect(html).toContain('marginal ≤ 50, pass ≥ 75');
    // The verdict colour (fail red) drives the header.
    expect(html).toContain('style="--verdict:#b91c1c"');
  });

  it("says how each judgment's confidence level was chosen", () => {
    const used = data.state.judgments.map((j) => `${Math.round(j.confidenceLevel * 10000) / 100}%`);
    expect(used.length).toBeGreaterThan(0);
    expect(html).toContain(`pocock alpha spending, 2% false-rollback budget; used ${used.join(', ')}`);
    const fixed = structuredClone(data);
    fixed.state.input.analysis.errorControl.method = 'none';
    fixed.state.input.analysis.confidenceLevel = 0.95;
    expect(renderRunReport(fixed)).toContain('95% at every judgment');
  });

  it('lists every metric with classification, medians, change and interval', () => {
    for (const metric of last.result.metrics) {
      const row = new RegExp(`<tr data-metric="${metric.name}">([\\s\\S]*?)</tr>`).exec(html)?.[1];
      expect(row).toBeDefined();
      expect(row).toContain(`>${metric.classification}<`);
      expect(html).toContain(`id="metric-${metric.name}"`);
    }
    const latency = /<tr data-metric="latency-p99">([\s\S]*?)<\/tr>/.exec(html)?.[1] ?? '';
    const cells = [...latency.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1]);
    const metric = last.result.metrics[0];
    const change = ((metric.canary.median - metric.baseline.median) / metric.baseline.median) * 100;
    expect(cells[0]).toBe(Number(metric.baseline.median.toPrecision(3)).toString());
    expect(cells[1]).toBe(Number(metric.canary.median.toPrecision(3)).toString());
    expect(cells[2]).toBe(`+${change.toFixed(1)}%`);
    expect(cells[3]).toBe(`+${Number(metric.estimate!.toPrecision(3))}`);
    expect(cells[4]).toBe(`[+${Number(metric.lower!.toPrecision(3))}, +${Number(metric.upper!.toPrecision(3))}]`);
    expect(latency).toContain('critical');
  });

  it('draws one time-series and one distribution plot per metric with both series and every point', () => {
    const timeSeries = plots(html, 'timeseries');
    const distributions = plots(html, 'distribution');
    expect(timeSeries).toHaveLength(DEFAULT_METRICS.length);
    expect(distributions).toHaveLength(DEFAULT_METRICS.length);
    for (const [i, svg] of timeSeries.entries()) {
      const name = last.result.metrics[i].name;
      expect(attr(svg, 'data-metric')).toBe(name);
      for (const id of ['baseline', 'canary']) {
        const group = seriesGroup(svg, id);
        expect(attr(group, 'data-points')).toBe('120');
        expect(pathPoints(group)).toBe(120);
      }
    }
    for (const svg of distributions) {
      for (const id of ['baseline', 'canary']) {
        const group = seriesGroup(svg, id);
        expect(attr(group, 'data-count')).toBe('120');
        // At most 200 dots per sample: 120 all drawn.
        expect((group.match(/<circle/g) ?? []).length).toBe(120);
      }
    }
  });

  it("draws the shift's interval at the judge's numbers", () => {
    const svg = plots(html, 'distribution')[0];
    const metric = last.result.metrics[0];
    expect(Number(attr(svg, 'data-estimate'))).toBe(metric.estimate);
    expect(Number(attr(svg, 'data-lower'))).toBe(metric.lower);
    expect(Number(attr(svg, 'data-upper'))).toBe(metric.upper);
  });

  it('has one timeline with every planned step and a dot per judgment at its score', () => {
    const [timeline] = plots(html, 'timeline');
    expect(plots(html, 'timeline')).toHaveLength(1);
    expect(attr(timeline, 'data-steps')).toBe('3');
    expect(attr(timeline, 'data-judgments')).toBe('2');
    const dots = [...timeline.matchAll(/data-judgment="(\d+)" data-score="([^"]+)" data-verdict="(\w+)"/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
      m[3],
    ]);
    expect(dots).toEqual([
      [1, 100, 'pass'],
      [2, 0, 'fail'],
    ]);
    expect(timeline).toContain('data-step="3" data-reached="false"');
    expect(plots(html, 'score')).toHaveLength(1);
  });

  it('shows earlier judgments collapsed', () => {
    expect(html).toMatch(/<details><summary>Step 1 · 5% · score 100 \(pass\) → continue<\/summary>/);
  });

  it('loads nothing from elsewhere', () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|url\(|https?:\/\//i);
    expect(html).toContain("default-src 'none'");
  });

  it('escapes metric names, reasons and versions from user config', () => {
    const evil = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const base = buildRunReportFixture({
      metrics: [{ ...DEFAULT_METRICS[0], name: `lat${evil}` }, ...DEFAULT_METRICS.slice(1)],
    });
    base.state.input.canary.version = `2.0${evil}`;
    base.judgments[1].result.metrics[1].reason = `reason ${evil}`;
    const page = renderRunReport(base);
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('<img');
    expect(page).toContain('lat&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('2.0&lt;script&gt;');
    expect(page).toContain('reason &lt;script&gt;');
    // Inside SVG attributes and <title> as well.
    expect(page).toContain('data-metric="lat&lt;script&gt;alert(&quot;x&quot;)');
  });

  it('downsamples long series to a few hundred points and stays small', () => {
    const long = renderRunReport(buildRunReportFixture({ points: 20_000 }));
    for (const svg of plots(long, 'timeseries')) {
      for (const id of ['baseline', 'canary']) {
        const group = seriesGroup(svg, id);
        const drawn = Number(attr(group, 'data-points'));
        expect(drawn).toBeGreaterThan(250);
        expect(drawn).toBeLessThanOrEqual(300);
        expect(pathPoints(group)).toBe(drawn);
      }
    }
    for (const svg of plots(long, 'distribution')) {
      const group = seriesGroup(svg, 'canary');
      expect(attr(group, 'data-count')).toBe('20000');
      expect((group.match(/<circle/g) ?? []).length).toBe(200);
    }
    expect(long.length).toBeLessThan(200_000);
  });

  it('renders a run that failed before any judgment', () => {
    const fixture = buildRunReportFixture();
    const failed: RunReportData = {
      state: {
        ...fixture.state,
        judgments: [],
        step: undefined,
        outcome: undefined,
        decision: undefined,
        error: { Error: 'ProvisionFailed', Cause: 'canary never became healthy <timeout>' },
      },
      judgments: [],
    };
    const page = renderRunReport(failed);
    expect(page).toMatch(/data-field="verdict">NO VERDICT</);
    expect(page).toMatch(/data-field="status">failed</);
    expect(page).toContain('ProvisionFailed: canary never became healthy &lt;timeout&gt;');
    expect(plots(page, 'timeseries')).toHaveLength(0);
    expect(attr(plots(page, 'timeline')[0], 'data-judgments')).toBe('0');
    expect(page).toContain('No judgment was made');
  });
});
