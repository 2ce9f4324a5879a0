import {
  evaluationRange,
  parseSampleValue,
  renderQuery,
  scopeSelector,
} from '../../../shared/metrics/prometheus-query';
import type { Scope } from '../../../shared/metrics/metric-source';

const scope: Scope = { role: 'canary', runId: 'web-1', version: 'v2 "beta"\\x', targetGroupArn: 'tg', instanceIds: [] };

describe('scopeSelector / renderQuery', () => {
  it('fills role, version and run id, escaping what PromQL strings cannot hold', () => {
    expect(scopeSelector('role="${role}",version="${version}",run_id="${runId}"', scope)).toBe(
      'role="canary",version="v2 \\"beta\\"\\\\x",run_id="web-1"',
    );
  });

  it('replaces every ${scope} and ${step}', () => {
    expect(renderQuery('sum(rate(a{${scope}}[${step}])) / sum(rate(b{${scope}}[${step}]))', 'role="canary"', 10)).toBe(
      'sum(rate(a{role="canary"}[10s])) / sum(rate(b{role="canary"}[10s]))',
    );
  });
});

describe('parseSampleValue', () => {
  it.each([
    ['0.25', 0.25],
    ['NaN', NaN],
    ['+Inf', Infinity],
    ['-Inf', -Infinity],
  ])('%s', (text, value) => {
    expect(parseSampleValue(text)).toBe(value);
  });
});

describe('evaluationRange', () => {
  it('starts one step after the first step boundary in the window, ends at the last', () => {
    expect(evaluationRange({ start: new Date(12_500), end: new Date(59_999) }, 10)).toEqual({ start: 30, end: 50 });
    expect(evaluationRange({ start: new Date(10_000), end: new Date(20_000) }, 10)).toEqual({ start: 20, end: 20 });
  });

  it('is undefined for a window too short for one whole step', () => {
    expect(evaluationRange({ start: new Date(10_001), end: new Date(29_999) }, 10)).toBeUndefined();
  });
});
