import { ValidationError } from '../../../shared/config/validation';
import { judge } from '../../../shared/judge/judge';
import {
  criticalFailures,
  decideInterval,
  decideLook,
  failsFast,
  judgmentWindow,
  missingEvidence,
  passesFinal,
  type DecisionThresholds,
  type JudgedInterval,
} from '../../../shared/run/decision';
import { kayentaCases } from '../../support/kayenta-cases';
import { fault } from '../../faults/catalog';

const MIN = 60_000;
const at = (minutes: number) => new Date(Date.UTC(2025, 0, 1) + minutes * MIN);
const minutesOf = (d: Date) => (d.getTime() - Date.UTC(2025, 0, 1)) / MIN;

const judged = (score: number, metrics: JudgedInterval['metrics'] = []): JudgedInterval => ({ score, metrics });

function definedThresholds(t: { marginal?: number | null; pass?: number | null }): DecisionThresholds {
  return {
    ...(t.marginal != null ? { marginal: t.marginal } : {}),
    ...(t.pass != null ? { pass: t.pass } : {}),
  };
}

/** Runs a whole canary through decideInterval the way the workflow does: stop at the first rollback. */
function runIntervals(scores: number[], thresholds: DecisionThresholds) {
  for (let i = 0; i < scores.length; i++) {
    const d = decideInterval(judged(scores[i]), { stepIndex: i, stepCount: scores.length }, thresholds);
    if (d.action !== 'continue') return { ...d, judged: i + 1 };
  }
  throw new Error('the last interval must decide');
}

describe('decision: Spinnaker final judgement (orca AggregateCanaryResultsTask)', () => {
  type Input = { intervalScores: number[]; scoreThresholds: { marginal?: number; pass?: number } };
  for (const c of kayentaCases<Input, { status: string }>('aggregate.finalJudgement.orca')) {
    test(c.name, () => {
      const thresholds = definedThresholds(c.input.scoreThresholds);
      const last = c.input.intervalScores[c.input.intervalScores.length - 1];
      const expectedPass = c.expected.status === 'SUCCEEDED';
      expect(passesFinal(last, thresholds)).toBe(expectedPass);
      // the same through the per-interval rule (none of these sequences hits marginal before the end)
      const outcome = runIntervals(c.input.intervalScores, thresholds);
      expect(outcome.action).toBe(expectedPass ? 'promote' : 'rollback');
      expect(outcome.judged).toBe(c.input.intervalScores.length);
    });
  }
});

describe('decision: Kayenta standalone GenerateCanaryAnalysisResultTask', () => {
  type Input = { finalCanaryScore: number; marginal: number | null; pass: number | null };
  for (const c of kayentaCases<Input, { didPassThresholds: boolean }>('aggregate.finalJudgement.kayentaStandalone')) {
    test(c.name, () => {
      expect(passesFinal(c.input.finalCanaryScore, definedThresholds(c.input))).toBe(c.expected.didPassThresholds);
    });
  }

  test('no successful judgement does not pass', () => {
    expect(passesFinal(undefined, { marginal: 50, pass: 75 })).toBe(false);
  });
});

describe('decision: per-interval rules', () => {
  const thresholds = { marginal: 50, pass: 75 };

  test('score equal to marginal rolls back at once (Spinnaker uses <=)', () => {
    expect(failsFast(50, thresholds)).toBe(true);
    expect(failsFast(50.01, thresholds)).toBe(false);
    const d = decideInterval(judged(50), { stepIndex: 0, stepCount: 4 }, thresholds);
    expect(d).toEqual({ action: 'rollback', reason: 'step 1/4: score 50 <= marginal 50' });
  });

  test("fault 'judge-reason': a forced score carries the judge's own reason into the decision", () => {
    const reason = 'Canary Failed: 50% or more metrics returned NODATA (2 of 2)';
    const decided = decideInterval({ ...judged(0), reason }, { stepIndex: 0, stepCount: 4 }, thresholds);
    expect(decided).toEqual({
      action: 'rollback',
      reason: `step 1/4: score 0 <= marginal 50 (${reason})`,
    });
    expect(decided.reason).toContain(fault('judge-reason').reason);
    // a look inside a step decides the same way
    expect(
      decideLook({ ...judged(0), reason }, { stepIndex: 0, stepCount: 4, lastLookOfStep: false }, thresholds).reason,
    ).toBe(`step 1/4: score 0 <= marginal 50 (${reason})`);
    expect(decideInterval({ ...judged(60), reason: '' }, { stepIndex: 3, stepCount: 4 }, thresholds)).toEqual({
      action: 'rollback',
      reason: 'step 4/4: final score 60 < pass 75',
    });
  });

  test('a score between marginal and pass continues on an intermediate step', () => {
    const d = decideInterval(judged(60), { stepIndex: 1, stepCount: 4 }, thresholds);
    expect(d).toEqual({ action: 'continue', reason: 'step 2/4: score 60 > marginal 50, continue' });
  });

  test('the same score on the last step rolls back (below pass)', () => {
    const d = decideInterval(judged(60), { stepIndex: 3, stepCount: 4 }, thresholds);
    expect(d).toEqual({ action: 'rollback', reason: 'step 4/4: final score 60 < pass 75' });
  });

  test('score equal to pass on the last step promotes', () => {
    const d = decideInterval(judged(75), { stepIndex: 3, stepCount: 4 }, thresholds);
    expect(d).toEqual({ action: 'promote', reason: 'step 4/4: final score 75 >= pass 75' });
  });

  test('sequence stops at the first interval at or below marginal', () => {
    const outcome = runIntervals([80, 45, 100, 100], thresholds);
    expect(outcome.action).toBe('rollback');
    expect(outcome.judged).toBe(2);
  });

  test('a critical failure rolls back even with a passing score', () => {
    const metrics = [
      { name: 'latency', classification: 'Pass' as const, critical: false, muted: false, reason: null },
      { name: 'errors', classification: 'High' as const, critical: true, muted: false, reason: 'errors +300%' },
    ];
    const d = decideInterval(judged(100, metrics), { stepIndex: 0, stepCount: 3 }, thresholds);
    expect(d).toEqual({ action: 'rollback', reason: 'step 1/3: critical metric errors is High (errors +300%)' });
  });

  test('muted and passing critical metrics are not critical failures', () => {
    const metrics = [
      { name: 'a', classification: 'High' as const, critical: true, muted: true, reason: null },
      { name: 'b', classification: 'Pass' as const, critical: true, muted: false, reason: null },
      { name: 'c', classification: 'Nodata' as const, critical: true, muted: false, reason: 'Missing data for c' },
    ];
    expect(criticalFailures(judged(90, metrics)).map((m) => m.name)).toEqual(['c']);
    expect(decideInterval(judged(90, metrics.slice(0, 2)), { stepIndex: 0, stepCount: 2 }, thresholds).action).toBe(
      'continue',
    );
  });
});

describe('decision: too few points (insufficientData)', () => {
  const thresholds = { marginal: 50, pass: 75 };
  const few = (name: string) => ({
    name,
    classification: 'Nodata' as const,
    critical: false,
    muted: false,
    reason: `canary has 3 points, baseline 4; at least 5 per side are needed to judge ${name}`,
  });
  const pass = (name: string) => ({
    name,
    classification: 'Pass' as const,
    critical: false,
    muted: false,
    reason: null,
  });
  const withInsufficient = (
    score: number,
    metrics: JudgedInterval['metrics'],
    insufficientData: string[],
    insufficientDataRequired: string[] = [],
  ): JudgedInterval => ({ score, metrics, insufficientData, insufficientDataRequired });

  test('an intermediate step continues, even for a critical metric, and says what is not judged yet', () => {
    const j = withInsufficient(
      100,
      [few('latency-p99'), few('errors'), pass('cpu')],
      ['latency-p99', 'errors'],
      ['errors'],
    );
    expect(decideInterval(j, { stepIndex: 0, stepCount: 4 }, thresholds)).toEqual({
      action: 'continue',
      reason: 'step 1/4: score 100 > marginal 50, continue; not judged yet (too few points): latency-p99, errors',
    });
    expect(decideInterval(j, { stepIndex: 2, stepCount: 4 }, thresholds).action).toBe('continue');
  });

  test('the last step rolls back while a critical or mustHaveData metric has too few points', () => {
    const j = withInsufficient(100, [pass('latency-p99'), few('errors'), pass('cpu')], ['errors'], ['errors']);
    expect(decideInterval(j, { stepIndex: 3, stepCount: 4 }, thresholds)).toEqual({
      action: 'rollback',
      reason:
        'step 4/4: not enough data to judge after the last step: critical or mustHaveData metric errors ' +
        '(canary has 3 points, baseline 4; at least 5 per side are needed to judge errors)',
    });
    expect(missingEvidence(j)).toBe(
      'critical or mustHaveData metric errors (canary has 3 points, baseline 4; at least 5 per side are needed to judge errors)',
    );
  });

  test('the last step rolls back when half or more of the metrics are not judged', () => {
    const half = withInsufficient(100, [few('a'), few('b'), pass('c'), pass('d')], ['a', 'b']);
    expect(decideInterval(half, { stepIndex: 1, stepCount: 2 }, thresholds)).toEqual({
      action: 'rollback',
      reason:
        'step 2/2: not enough data to judge after the last step: 2 of 4 metrics not judged: a, b ' +
        '(canary has 3 points, baseline 4; at least 5 per side are needed to judge a)',
    });
    // after the last step too few points counts like no data: 1 too few + 1 without data is half of 4
    const noData = { ...few('b'), reason: 'no data returned for b' };
    const mixed = withInsufficient(100, [few('a'), noData, pass('c'), pass('d')], ['a']);
    expect(decideInterval(mixed, { stepIndex: 1, stepCount: 2 }, thresholds).reason).toBe(
      'step 2/2: not enough data to judge after the last step: 2 of 4 metrics not judged: a, b ' +
        '(canary has 3 points, baseline 4; at least 5 per side are needed to judge a)',
    );
  });

  test('the last step promotes with one optional metric of four not judged; muted metrics do not count', () => {
    const one = withInsufficient(100, [few('a'), pass('b'), pass('c'), pass('d')], ['a']);
    expect(decideInterval(one, { stepIndex: 1, stepCount: 2 }, thresholds)).toEqual({
      action: 'promote',
      reason: 'step 2/2: final score 100 >= pass 75',
    });
    // a muted metric is neither in the judge's lists nor in the count: 1 of 2 counted metrics is half
    const muted = { ...pass('m'), muted: true };
    const two = withInsufficient(100, [few('a'), pass('b'), muted], ['a']);
    expect(decideInterval(two, { stepIndex: 1, stepCount: 2 }, thresholds).reason).toBe(
      'step 2/2: not enough data to judge after the last step: 1 of 2 metrics not judged: a ' +
        '(canary has 3 points, baseline 4; at least 5 per side are needed to judge a)',
    );
  });

  test("Spinnaker's rules come first: a score at or below marginal, or below pass at the end, keeps its reason", () => {
    const j = (score: number) => withInsufficient(score, [few('errors'), pass('cpu')], ['errors'], ['errors']);
    expect(decideInterval(j(40), { stepIndex: 0, stepCount: 4 }, thresholds).reason).toBe(
      'step 1/4: score 40 <= marginal 50',
    );
    expect(decideInterval(j(60), { stepIndex: 3, stepCount: 4 }, thresholds).reason).toBe(
      'step 4/4: final score 60 < pass 75',
    );
    // a judgment without the lists (Kayenta's shape) decides as before
    expect(decideInterval(judged(100, [few('a'), pass('b')]), { stepIndex: 0, stepCount: 1 }, thresholds).action).toBe(
      'promote',
    );
  });

  test('end to end with the real judge: presets with 3 canary points continue, and roll back after the last step', () => {
    const base = [0.2, 0.21, 0.19, 0.2, 0.22, 0.18];
    const result = judge(
      {
        metrics: [
          { name: 'latency-p99', preset: 'latency-p99' },
          { name: 'errors', preset: 'error-rate-5xx' },
          { name: 'cpu', groups: ['saturation'] },
        ],
      },
      {
        'latency-p99': { baseline: base, canary: [0.9, 1.1, 1.0] },
        errors: { baseline: base, canary: [0.9, 1.1, 1.0] },
        cpu: { baseline: base, canary: base },
      },
      thresholds,
    );
    expect(result.score).toBe(100);
    expect(decideInterval(result, { stepIndex: 0, stepCount: 3 }, thresholds)).toEqual({
      action: 'continue',
      reason: 'step 1/3: score 100 > marginal 50, continue; not judged yet (too few points): latency-p99, errors',
    });
    expect(decideInterval(result, { stepIndex: 2, stepCount: 3 }, thresholds)).toEqual({
      action: 'rollback',
      reason:
        'step 3/3: not enough data to judge after the last step: critical or mustHaveData metric errors ' +
        '(canary has 3 points, baseline 6; at least 5 per side are needed to judge errors)',
    });
  });
});

/** Orca's interval arithmetic (judge-spec §9), used only to turn its test inputs into our steps. */
function orcaMinutes(value: string | null | undefined): number | undefined {
  const n = value == null || value === '' ? 0 : Number(value);
  return n > 0 ? n : undefined;
}

describe('judgment windows: orca RunCanaryIntervalsStage cases', () => {
  type Input = {
    startMin?: number;
    endMin?: number;
    lifetimeDuration?: string;
    beginCanaryAnalysisAfterMins: string | null;
    canaryAnalysisIntervalMins: string | null;
    lookbackMins: string | null;
  };
  for (const c of kayentaCases<Input, { windowsMin: number[][] }>('orca.intervalWindows')) {
    test(c.name, () => {
      const endGiven = c.input.endMin !== undefined;
      const lifetime = endGiven
        ? c.input.endMin! - c.input.startMin!
        : Number(/^PT(\d+)H$/.exec(c.input.lifetimeDuration!)![1]) * 60;
      const requested = orcaMinutes(c.input.canaryAnalysisIntervalMins);
      const interval = requested === undefined || requested > lifetime ? lifetime : requested;
      // orca ignores the warm-up when an end time is given; without one it waits the warm-up once, first
      const warmup = endGiven ? 0 : (orcaMinutes(c.input.beginCanaryAnalysisAfterMins) ?? 0);
      const lookback = orcaMinutes(c.input.lookbackMins);
      const start = c.input.startMin ?? 0;
      const count = Math.floor(lifetime / interval);
      // our steps: the first lasts warm-up + interval, each later one interval; judged at each step's end
      const windows = Array.from({ length: count }, (_, i) => {
        const applied = i === 0 ? start : start + warmup + i * interval;
        const w = judgmentWindow({
          trafficStartedAt: at(start),
          stepAppliedAt: at(applied),
          judgedAt: at(start + warmup + (i + 1) * interval),
          warmupSeconds: warmup * 60,
          ...(lookback !== undefined ? { lookbackSeconds: lookback * 60 } : {}),
        });
        return [minutesOf(w.start), minutesOf(w.end)];
      });
      expect(windows).toEqual(c.expected.windowsMin);
    });
  }
});

describe('judgment windows: our rules', () => {
  test('cumulative: from traffic start plus warm-up, later weight changes stay inside', () => {
    const w = judgmentWindow({
      trafficStartedAt: at(0),
      stepAppliedAt: at(10),
      judgedAt: at(15),
      warmupSeconds: 90,
    });
    expect([minutesOf(w.start), minutesOf(w.end)]).toEqual([1.5, 15]);
  });

  test('sliding: the lookback, clipped so it never reaches into the warm-up after the latest weight change', () => {
    const base = { trafficStartedAt: at(0), stepAppliedAt: at(10), judgedAt: at(15), warmupSeconds: 60 };
    const long = judgmentWindow({ ...base, lookbackSeconds: 600 });
    expect([minutesOf(long.start), minutesOf(long.end)]).toEqual([11, 15]);
    const short = judgmentWindow({ ...base, lookbackSeconds: 120 });
    expect([minutesOf(short.start), minutesOf(short.end)]).toEqual([13, 15]);
  });

  test('a warm-up as long as the step leaves no window: ValidationError naming analysis.warmupSeconds', () => {
    const input = {
      trafficStartedAt: at(0),
      stepAppliedAt: at(10),
      judgedAt: at(15),
      warmupSeconds: 300,
      lookbackSeconds: 60,
    };
    expect(() => judgmentWindow(input)).toThrow(ValidationError);
    expect(() => judgmentWindow(input)).toThrow(/analysis\.warmupSeconds: a warm-up of 300s leaves no data/);
  });
});
