import { renderRunReport, type RunReportData } from '../../../shared/reports/html-report';
import { formatDifference, formatMeasure } from '../../../shared/judge/units';
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

  it('leads with the decision and why in one sentence, then verdict, score, versions and times', () => {
    expect(html).toMatch(/data-field="decision">ROLLED BACK</);
    expect(html).toContain(
      'data-field="summary">critical metric latency-p99 failed at step 2 of 3: latency-p99 is higher on the canary (median 120 ms → 146 ms, +21.3%)<',
    );
    expect(html).toMatch(/data-field="verdict">fail</);
    expect(html).toMatch(/data-field="score">0</);
    expect(html).toContain(
      'Recorded reason: <span data-field="reason">Canary Failed: latency-p99 was classified as High<',
    );
    expect(html).toContain('checkout-api: 1.4.2 → 1.5.0');
    expect(html).toContain('checkout-api-20261122-1400');
    expect(html).toContain('2026-11-22 14:00:00 UTC');
    expect(html).toContain(
      `${data.state.outcome?.finishedAt?.slice(0, 10)} ${data.state.outcome?.finishedAt?.slice(11, 19)} UTC`,
    );
    expect(html).toContain('the run rolls back at a score ≤ 50 and promotes at ≥ 75 after the last step');
    expect(html).toContain('<title>canary-judge · checkout-api 1.5.0 · rolled back</title>');
    // The decision's colour (rolled back: red) drives the header.
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

  it('lists every metric with classification, medians in their unit, each change labelled, and the interval', () => {
    for (const metric of last.result.metrics) {
      const row = new RegExp(`<tr data-metric="${metric.name}">([\\s\\S]*?)</tr>`).exec(html)?.[1];
      expect(row).toBeDefined();
      expect(row).toContain(`>${metric.classification}<`);
      expect(html).toContain(`id="metric-${metric.name}"`);
    }
    const latency = /<tr data-metric="latency-p99">([\s\S]*?)<\/tr>/.exec(html)?.[1] ?? '';
    const cells = [...latency.matchAll(/<td class="num"[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    // Three changes, three names: the median change, the Hodges-Lehmann shift (with its CI) and the mean change.
    const metric = last.result.metrics[0];
    const change = ((metric.canary.median - metric.baseline.median) / metric.baseline.median) * 100;
    const ms = (seconds: number) => `${Number((seconds * 1000).toPrecision(3))} ms`;
    expect(cells).toEqual([
      ms(metric.baseline.median),
      ms(metric.canary.median),
      `+${change.toFixed(1)}%`,
      `+${ms(metric.estimate!)}`,
      `[+${ms(metric.lower!)}, +${ms(metric.upper!)}]`,
      `+${((metric.ratio! - 1) * 100).toFixed(1)}%`,
      '&lt;0.0001',
    ]);
    expect(latency).toContain('critical');
    expect(html).toContain(
      '<th class="num">Median change</th><th class="num">HL shift</th><th class="num">98% CI of the shift</th><th class="num">Mean change</th>',
    );
    expect(html).toContain('Mean change: mean(canary) / mean(baseline) − 1, the effect size');
    // Shares in % (differences in percentage points), own labels after the number.
    const errors = last.result.metrics[1];
    const errorRow = /<tr data-metric="error-rate">([\s\S]*?)<\/tr>/.exec(html)?.[1] ?? '';
    expect(errorRow).toContain(`>${formatMeasure(errors.baseline.median, 'ratio')}<`);
    expect(formatMeasure(errors.baseline.median, 'ratio')).toMatch(/^0\.\d+%$/);
    expect(errorRow).toContain(`>${formatDifference(errors.estimate, 'ratio')}<`);
    expect(formatDifference(errors.estimate, 'ratio')).toMatch(/ pp$/);
    expect(html).toMatch(/<tr data-metric="requests-per-second">[\s\S]*?>\d+ req\/s</);
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
    const dots = [...timeline.matchAll(/data-judgment="(\d+)" data-score="([^"]+)" data-action="(\w+)"/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
      m[3],
    ]);
    expect(dots).toEqual([
      [1, 100, 'continue'],
      [2, 0, 'rollback'],
    ]);
    expect(timeline).toContain('>roll back ≤ 50<');
    expect(timeline).toContain('>promote ≥ 75<');
    expect(timeline).toContain('data-step="3" data-reached="false"');
    expect(plots(html, 'score')).toHaveLength(1);
  });

  it('shows earlier judgments collapsed', () => {
    expect(html).toMatch(/<details><summary>Step 1 · 5% · score 100 → continue<\/summary>/);
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

  it('a regression rolled back at a score equal to marginal: badge, sentence, bands and markers agree', () => {
    const data = buildRunReportFixture();
    const [first, second] = data.judgments;
    const metrics = second.summary.metrics.map((m) => ({ ...m, critical: false }));
    const summary = {
      ...second.summary,
      score: 50,
      verdict: 'marginal' as const,
      metrics,
      reason: 'step 2/3: score 50 <= marginal 50',
    };
    const state = {
      ...data.state,
      judgments: [first.summary, summary],
      decision: { action: 'rollback' as const, reason: summary.reason },
      outcome: { ...data.state.outcome!, verdict: 'marginal' as const, score: 50, reason: summary.reason },
    };
    const result = { ...second.result, score: 50, verdict: 'marginal' as const, reason: '' };
    const page = renderRunReport({ state, judgments: [first, { ...second, summary, result }] });
    expect(page).toMatch(/data-field="decision">ROLLED BACK</);
    expect(page).toMatch(
      /data-field="summary">score 50 ≤ marginal 50 at step 2 of 3: latency-p99 is higher on the canary \(median 120 ms → 146 ms, \+21\.3%\)</,
    );
    expect(page).toContain(
      'Judge verdict <strong data-field="verdict">marginal</strong> at score 50 · the run rolls back at a score ≤ 50',
    );
    // The score marker and the timeline's dot sit in the red "roll back ≤ 50" band, in its colour.
    const [bar] = plots(page, 'score');
    expect(bar).toMatch(/<path d="[^"]*" fill="#b91c1c"/);
    const [timeline] = plots(page, 'timeline');
    expect(/data-judgment="2"[^>]*><circle[^>]*fill="([^"]+)"/.exec(timeline)?.[1]).toBe('#b91c1c');
    expect(timeline).toContain('>roll back ≤ 50<');
    expect(page).not.toMatch(/fail ≤|>marginal<\/span>/);
  });

  it('an inconclusive run reads COULD NOT JUDGE, in violet', () => {
    const data = buildRunReportFixture();
    const reason = 'step 2/3: baseline 1.4.2 unhealthy: 0/1 healthy';
    const state = { ...data.state, outcome: { ...data.state.outcome!, verdict: 'inconclusive' as const, reason } };
    const page = renderRunReport({ ...data, state });
    expect(page).toMatch(/data-field="decision">COULD NOT JUDGE</);
    expect(page).toContain(
      `data-field="summary">${reason}; traffic went back to production and the canary is not blamed<`,
    );
    expect(page).toContain('style="--verdict:#7c3aed"');
    expect(page).toContain('<title>canary-judge · checkout-api 1.5.0 · could not judge</title>');
  });

  it("labels the plots' axes in the metric's unit", () => {
    const yLabels = (svg: string) => [...svg.matchAll(/stroke="#e5e7eb"\/><text [^>]*>([^<]+)</g)].map((m) => m[1]);
    const [latencySeries] = plots(html, 'timeseries');
    expect(yLabels(latencySeries).length).toBeGreaterThan(2);
    for (const label of yLabels(latencySeries)) expect(label).toMatch(/^[\d.]+ ms$/);
    const [latencyDistribution] = plots(html, 'distribution');
    expect(latencyDistribution).toMatch(/>\+[\d.]+ ms \[98% CI \+[\d.]+ ms, \+[\d.]+ ms\]</);
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
    expect(page).toMatch(/data-field="decision">FAILED</);
    expect(page).not.toContain('data-field="verdict"');
    expect(page).toContain(
      'data-field="summary">the run itself failed: ProvisionFailed: canary never became healthy &lt;timeout&gt;<',
    );
    expect(plots(page, 'timeseries')).toHaveLength(0);
    expect(attr(plots(page, 'timeline')[0], 'data-judgments')).toBe('0');
    expect(page).toContain('No judgment was made');
  });
});
