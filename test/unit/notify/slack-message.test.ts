import type { RunEvent } from '../../../shared/notify/notifier';
import {
  MAX_METRIC_ROWS,
  SLACK_LIMITS,
  buildSlackMessage,
  type SlackBlock,
} from '../../../shared/notify/slack-message';
import type { RunState } from '../../../shared/run-model/run-state';
import { allText, blockKitProblems } from '../../support/block-kit';
import { buildRunReportFixture } from '../../support/run-report-fixture';

const EXECUTION =
  'https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/arn:aws:states:us-east-1:123456789012:execution:canary-judge:checkout-api-20261122-1400';
const REPORT = 'https://reports.s3.amazonaws.com/checkout-api-20261122-1400/report.html?X-Amz-Signature=abc';

function finished(state: RunState = buildRunReportFixture().state): RunEvent {
  return { kind: 'finished', state, links: { execution: EXECUTION, report: REPORT } };
}

function block<T extends SlackBlock['type']>(blocks: SlackBlock[], type: T): Extract<SlackBlock, { type: T }>[] {
  return blocks.filter((b): b is Extract<SlackBlock, { type: T }> => b.type === type);
}

function metricsSection(blocks: SlackBlock[]): string {
  const text = block(blocks, 'section').find((b) => b.text?.text.startsWith('*Metrics*'))?.text?.text;
  if (!text) throw new Error('no metrics section');
  return text;
}

describe('buildSlackMessage', () => {
  it('leads a rolled-back run with the decision and why in one sentence', () => {
    const message = buildSlackMessage(finished());
    expect(blockKitProblems(message)).toEqual([]);
    const [header] = block(message.blocks, 'header');
    expect(header.text.text).toBe('🔴 ROLLED BACK: checkout-api 1.5.0');
    const sections = block(message.blocks, 'section');
    expect(sections[0].fields?.map((f) => f.text)).toEqual([
      '*Service*\ncheckout-api',
      '*Baseline → canary*\n1.4.2 → 1.5.0',
      '*Score*\n*0* / 100 · judge: fail  (roll back ≤ 50, promote ≥ 75)',
      '*Step*\n2 of 3 · 10% + 10%',
      '*Run*\n`checkout-api-20261122-1400`',
    ]);
    const sentence =
      'critical metric latency-p99 failed at step 2 of 3: latency-p99 is higher on the canary (median 120 ms → 146 ms, +21.3%)';
    expect(sections[1].text?.text).toBe(`*ROLLED BACK:* ${sentence}`);
    expect(allText(message)).toContain('Recorded reason: Canary Failed: latency-p99 was classified as High');
    expect(message.text).toBe(`🔴 ROLLED BACK: checkout-api 1.5.0: ${sentence}`);
  });

  it('says COULD NOT JUDGE for an inconclusive run', () => {
    const state = buildRunReportFixture().state;
    const reason = 'step 2/3: baseline 1.4.2 unhealthy: 0/1 healthy';
    const message = buildSlackMessage(
      finished({ ...state, outcome: { ...state.outcome!, verdict: 'inconclusive', reason } }),
    );
    expect(block(message.blocks, 'header')[0].text.text).toBe('🟣 COULD NOT JUDGE: checkout-api 1.5.0');
    expect(allText(message)).toContain(
      `*COULD NOT JUDGE:* ${reason}; traffic went back to production and the canary is not blamed`,
    );
  });

  it('tabulates every metric with classification, medians and change, failing first', () => {
    const data = buildRunReportFixture();
    const table = metricsSection(buildSlackMessage(finished(data.state)).blocks);
    const lines = table.split('\n').slice(2, -1);
    expect(lines).toHaveLength(4);
    const last = data.state.judgments[1].metrics;
    lines.forEach((line, i) => expect(line).toContain(last[i].name));
    const latency = data.judgments[1].result.metrics[0];
    const change = ((latency.canary.median - latency.baseline.median) / latency.baseline.median) * 100;
    const ms = (seconds: number) => `${Number((seconds * 1000).toPrecision(3))} ms`;
    expect(lines[0]).toMatch(
      new RegExp(
        `^✗ latency-p99\\* +High +${ms(latency.baseline.median)} → ${ms(latency.canary.median)} +\\+${change.toFixed(1)}%$`,
      ),
    );
    expect(lines[1]).toMatch(/^✓ error-rate +Pass +0\.\d+% → 0\.\d+% +[+-]\d+\.\d%$/);
    expect(lines[2]).toMatch(/^✓ requests-per-second +Pass +\d+ req\/s → \d+ req\/s +[+-]\d+\.\d%$/);
  });

  it('links the execution and a web report with buttons', () => {
    const [actions] = block(buildSlackMessage(finished()).blocks, 'actions');
    expect(actions.elements.map((e) => [e.text.text, e.url])).toEqual([
      ['Open execution', EXECUTION],
      ['Open report', REPORT],
    ]);
  });

  it('links the index of all runs with a button, or as text for a local path', () => {
    const index = 'https://reports.s3.amazonaws.com/index.html?X-Amz-Signature=def';
    const [actions] = block(
      buildSlackMessage({ ...finished(), links: { ...finished().links, index } }).blocks,
      'actions',
    );
    expect(actions.elements.map((e) => [e.text.text, e.url])).toEqual([
      ['Open execution', EXECUTION],
      ['Open report', REPORT],
      ['All runs', index],
    ]);
    const local = buildSlackMessage({ ...finished(), links: { index: '/work/reports/index.html' } });
    expect(allText(local)).toContain('all runs: `/work/reports/index.html`');
  });

  it('shows a local report path as text, since Slack buttons need a web URL', () => {
    const event: RunEvent = { ...finished(), links: { report: '/work/reports/run-1/report.html' } };
    const message = buildSlackMessage(event);
    expect(blockKitProblems(message)).toEqual([]);
    expect(block(message.blocks, 'actions')).toHaveLength(0);
    expect(allText(message)).toContain('report: `/work/reports/run-1/report.html`');
  });

  it('stays within the limits with many long-named metrics and a huge reason, saying how many are left out', () => {
    const state = buildRunReportFixture().state;
    const metrics = Array.from({ length: 300 }, (_, i) => ({
      name: `metric-${i}-${'x'.repeat(60)}`,
      classification: i % 7 === 0 ? 'High' : 'Pass',
      critical: false,
      baselineMedian: 1234.5 + i,
      canaryMedian: 1300 + i,
    }));
    const judgments = state.judgments.map((j, i) => (i === 1 ? { ...j, metrics } : j));
    const reason = 'r'.repeat(10_000);
    const big: RunState = { ...state, judgments, outcome: { ...state.outcome!, reason } };
    const message = buildSlackMessage(finished(big));
    expect(blockKitProblems(message)).toEqual([]);
    const table = metricsSection(message.blocks);
    const shown = table.split('\n').filter((l) => l.startsWith('✗') || l.startsWith('✓')).length;
    expect(shown).toBe(MAX_METRIC_ROWS);
    expect(table).toContain(`+${300 - MAX_METRIC_ROWS} more`);
    // Failing metrics come first.
    expect(table.split('\n')[2]).toMatch(/^✗ metric-0-/);
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  });

  it('cuts the table by the section size when rows are long', () => {
    const state = buildRunReportFixture().state;
    const metrics = Array.from({ length: MAX_METRIC_ROWS }, (_, i) => ({
      name: `m${i}`,
      classification: 'Pass'.repeat(60),
      critical: false,
    }));
    const judgments = state.judgments.map((j, i) => (i === 1 ? { ...j, metrics } : j));
    const message = buildSlackMessage(finished({ ...state, judgments }));
    expect(blockKitProblems(message)).toEqual([]);
    const table = metricsSection(message.blocks);
    expect(table.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(table).toMatch(/\n\+\d+ more\n```$/);
  });

  it("escapes Slack's control characters from user config", () => {
    const state = buildRunReportFixture().state;
    const metrics = [{ name: 'lat<!channel>&`x`', classification: 'High', critical: true }];
    const judgments = state.judgments.map((j, i) => (i === 1 ? { ...j, metrics } : j));
    const input = { ...state.input, canary: { ...state.input.canary, version: '2.0<@U123>' } };
    const reason = 'Canary Failed: <https://evil.example|click> & more';
    const message = buildSlackMessage(finished({ ...state, input, judgments, outcome: { ...state.outcome!, reason } }));
    const text = allText(message.blocks.filter((b) => b.type !== 'header'));
    expect(text).not.toMatch(/<!channel>|<@U123>|<https:\/\/evil/);
    expect(text).toContain("lat&lt;!channel&gt;&amp;'x'");
    expect(text).toContain('2.0&lt;@U123&gt;');
    expect(text).toContain('&lt;https://evil.example|click&gt; &amp; more');
    expect(message.text).not.toContain('<@U123>');
  });

  it('announces a start with the plan and no metrics', () => {
    const state = { ...buildRunReportFixture().state, judgments: [], outcome: undefined, decision: undefined };
    const message = buildSlackMessage({ kind: 'started', state, links: { execution: EXECUTION } });
    expect(blockKitProblems(message)).toEqual([]);
    expect(block(message.blocks, 'header')[0].text.text).toBe('🚀 Canary started: checkout-api 1.5.0');
    expect(allText(message)).toContain('*Steps*\n5% → 10% → 25%');
    expect(allText(message)).not.toContain('*Metrics*');
  });

  it('reports a judgment with its score, next action and metrics', () => {
    const state = buildRunReportFixture().state;
    const first = { ...state, judgments: state.judgments.slice(0, 1), outcome: undefined };
    const message = buildSlackMessage({ kind: 'judgment', state: first, links: {} });
    expect(blockKitProblems(message)).toEqual([]);
    expect(block(message.blocks, 'header')[0].text.text).toBe('🟢 checkout-api 1.5.0: step 1 scored 100 → continue');
    expect(allText(message)).toContain('*Next*\ncontinue');
    expect(allText(message)).toContain('score 100 &gt; marginal 50 at step 1 of 3');
    expect(allText(message)).not.toContain('Recorded reason');
    expect(metricsSection(message.blocks)).toContain('latency-p99');
  });
});
