import { ValidationError } from '../../../shared/config/validation';
import {
  criticalFailures,
  decideInterval,
  failsFast,
  judgmentWindow,
  passesFinal,
  type DecisionThresholds,
  type JudgedInterval,
} from '../../../shared/run/decision';
import { kayentaCases } from '../../support/kayenta-cases';

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
