import { informationFraction, lookOptions, looksInStep, type LookPosition } from '../../shared/run/looks';
import { cellKey, type Cell, type HarnessSetup } from './harness';
import type { SmallSampleRow } from './small-samples';
import { lookInput, type Policy } from './judge-run';
import {
  binomialUpperBound,
  meanRollbackStep,
  medianMinutesToRollback,
  rollbackRate,
  rollbackRateByStep,
  type Tally,
} from './tally';
import type { RunProfile } from './world';

export interface ReportInput {
  cells: Cell[];
  setup: HarnessSetup;
  repetitions: number;
  seed: number;
}

const pct = (x: number): string => (Number.isNaN(x) ? '-' : `${(100 * x).toFixed(2)}%`);
const step = (x: number): string => (Number.isNaN(x) ? '-' : x.toFixed(2));
const minutes = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '-');

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function tallyOf(input: ReportInput, profile: string, scenario: string, policy: string): Tally {
  const cell = input.cells.find((c) => cellKey(c.profile, c.scenario, c.policy) === cellKey(profile, scenario, policy));
  if (!cell) throw new Error(`no result for ${cellKey(profile, scenario, policy)}`);
  return cell.tally;
}

/**
 * The confidence level of a continuous metric at each step's last look, for a metric judged at every look (what the
 * run's error control gives it there); Kayenta's mode: each step's one judgment.
 */
export function judgmentConfidences(policy: Policy, profile: RunProfile): number[] {
  const input = lookInput(policy, profile);
  const metric = policy.canaryConfig.metrics[0].name;
  const levels: number[] = [];
  let spent = 0;
  profile.steps.forEach((_, stepIndex) => {
    const looks = looksInStep(input, stepIndex);
    for (let look = 1; look <= looks; look++) {
      const position: LookPosition = { stepIndex, stepCount: profile.steps.length, look, looksInStep: looks };
      const options = lookOptions(input, position, { [metric]: spent });
      const level = options.metricConfidence?.[metric] ?? (options.confidenceLevel as number);
      spent = input.judgment.mode === 'sequential' ? informationFraction(input, position) : spent;
      if (look === looks) levels.push(level);
    }
  });
  return levels;
}

const confidenceText = (levels: number[]): string =>
  levels.map((c) => (1 - c < 1e-4 ? `1-${(1 - c).toExponential(1)}` : `${(100 * c).toFixed(2)}`)).join('/');

/** Metrics with their floors and flags, thresholds, weights: what "the default config" was in this run. */
function describeConfig(policy: Policy): string {
  const metrics = policy.canaryConfig.metrics.map((m) => {
    const a = m.analysisConfigurations.canary;
    const floor = a.effectSize?.allowedIncrease ?? 1;
    const critical = a.critical
      ? `, critical${a.effectSize?.criticalIncrease ? ` from ×${a.effectSize.criticalIncrease}` : ''}`
      : '';
    return `${m.name} (${m.preset}, floor ×${floor}${critical})`;
  });
  const t = policy.thresholds;
  const weights = Object.entries(policy.canaryConfig.classifier.groupWeights).map(([g, w]) => `${g} ${w}`);
  return `${metrics.join('; ')}; weights ${weights.join(', ')}; marginal ${t.marginal}, pass ${t.pass}`;
}

const pct1 = (x: number): string => (Number.isNaN(x) ? '-' : (100 * x).toFixed(1));

/**
 * Per profile: every scenario under the default policy and Kayenta's behaviour; then every policy judged on the
 * profile side by side (confidence per judgment, A/A false rollbacks with a 95 % upper bound, detection overall /
 * by step 2 per regression, and which metrics failed in the A/A rollbacks).
 */
export function renderReport(input: ReportInput): string {
  const { setup } = input;
  const out: string[] = [];
  const nullScenario = setup.scenarios.find((s) => s.null);
  const regressions = setup.scenarios.filter((s) => !s.null);
  for (const profile of setup.profiles) {
    const policies = setup.policiesFor(profile);
    const main = ['default', 'kayenta'].flatMap((id) => policies.filter((p) => p.id === id));
    const shown = main.length > 0 ? main : policies.slice(0, 2);
    const runs = tallyOf(input, profile.id, setup.scenarios[0].id, policies[0].id).runs;
    out.push('', `== ${profile.label} — ${runs} runs per cell (seeds from ${input.seed})`, '');
    out.push(
      'Rollback rate (A/A: false rollbacks; regressions: detection), share rolled back by step 2, mean step of the ' +
        'rollback, median minutes from the first shift to the rollback decision (- when fewer than half were rolled back):',
    );
    const header = ['scenario'];
    for (const p of shown) header.push(`${p.id}: rollback`, 'by step 2', 'mean step', 'median min');
    const rows = setup.scenarios.map((s) => {
      const row = [s.label];
      for (const p of shown) {
        const t = tallyOf(input, profile.id, s.id, p.id);
        row.push(
          pct(rollbackRate(t)),
          pct(rollbackRateByStep(t, 2)),
          step(meanRollbackStep(t)),
          minutes(medianMinutesToRollback(t)),
        );
      }
      return row;
    });
    out.push(table(header, rows), '');
    out.push(
      "Policies: a continuous metric's confidence at each step's last look (%); A/A false rollbacks; detection % overall / by step 2:",
    );
    const policyRows = policies.map((p) => {
      const row = [p.id, confidenceText(judgmentConfidences(p, profile))];
      if (nullScenario) {
        const t = tallyOf(input, profile.id, nullScenario.id, p.id);
        const rolledBack = t.rollbacksAtStep.reduce((a, b) => a + b, 0);
        row.push(pct(rollbackRate(t)), pct(binomialUpperBound(rolledBack, t.runs, 0.95)));
      } else row.push('-', '-');
      for (const s of regressions) {
        const t = tallyOf(input, profile.id, s.id, p.id);
        row.push(`${pct1(rollbackRate(t))}/${pct1(rollbackRateByStep(t, 2))}`);
      }
      return row;
    });
    out.push(table(['policy', 'confidence', 'A/A', '95% upper', ...regressions.map((s) => s.id)], policyRows), '');
    if (nullScenario) {
      out.push('Metrics not Pass at the A/A rollbacks (a rollback can name several):');
      for (const p of policies) {
        const t = tallyOf(input, profile.id, nullScenario.id, p.id);
        const causes = Object.entries(t.failingMetrics).sort((a, b) => b[1] - a[1]);
        out.push(`  ${p.id}: ${causes.map(([m, n]) => `${m} ${n}`).join(', ') || 'none'}`);
      }
    }
    out.push('', 'Policies: ' + policies.map((p) => `${p.id} = ${p.label}`).join('; '));
  }
  const defaults = setup.policies.find((p) => p.id === 'default');
  if (defaults) out.push('', `Default config: ${describeConfig(defaults)}`);
  return out.join('\n');
}

/** The machine-readable summary: the default policy on the first profile (rates as fractions). */
export function summaryJson(input: ReportInput): Record<string, unknown> {
  const profile = input.setup.profiles[0];
  const policies = input.setup.policiesFor(profile);
  const policy = policies.find((p) => p.id === 'default') ?? policies[0];
  const kayenta = policies.find((p) => p.id === 'kayenta');
  const rate = (scenario: string, p: Policy) => tallyOf(input, profile.id, scenario, p.id);
  const has = (id: string) => input.setup.scenarios.some((s) => s.id === id);
  const summary: Record<string, unknown> = {
    repetitions: input.repetitions,
    profile: profile.id,
    policy: policy.id,
    seed: input.seed,
    confidenceLevels: judgmentConfidences(policy, profile),
  };
  if (has('aa')) {
    const t = rate('aa', policy);
    summary.aaFalseRollbackRate = rollbackRate(t);
    summary.aaFalseRollbackUpper95 = binomialUpperBound(Math.round(rollbackRate(t) * t.runs), t.runs, 0.95);
    if (kayenta) summary.kayentaAaFalseRollbackRate = rollbackRate(rate('aa', kayenta));
  }
  if (has('latency-10pct')) {
    summary.detectionRateLatency10pctByStep2 = rollbackRateByStep(rate('latency-10pct', policy), 2);
    if (kayenta)
      summary.kayentaDetectionRateLatency10pctByStep2 = rollbackRateByStep(rate('latency-10pct', kayenta), 2);
  }
  const detection: Record<string, number> = {};
  const meanStep: Record<string, number> = {};
  for (const s of input.setup.scenarios.filter((x) => !x.null)) {
    detection[s.id] = rollbackRate(rate(s.id, policy));
    meanStep[s.id] = meanRollbackStep(rate(s.id, policy));
  }
  summary.detectionRate = detection;
  summary.meanDetectionStep = meanStep;
  Object.assign(summary, sequentialFigures(input, 'default', ''));
  if (kayenta) Object.assign(summary, sequentialFigures(input, kayenta.id, 'kayenta'));
  if (has('aa')) {
    const byProfile = (policyId: string) =>
      Object.fromEntries(
        input.setup.profiles
          .filter((p) => input.setup.policiesFor(p).some((x) => x.id === policyId))
          .map((p) => [p.id, rollbackRate(tallyOf(input, p.id, 'aa', policyId))]),
      );
    summary.aaFalseRollbackRateByProfile = byProfile(policy.id);
    if (kayenta) summary.kayentaAaFalseRollbackRateByProfile = byProfile(kayenta.id);
  }
  return summary;
}

/** The small-sample table: A/A false-High rate of one metric by points per side, against the nominal rate. */
export function renderSmallSamples(rows: SmallSampleRow[]): string {
  const sizes = rows[0]?.rates.map(([n]) => n) ?? [];
  const body = rows.map((r) => [
    r.shape,
    `${(100 * r.confidenceLevel).toFixed(2)}%`,
    pct((1 - r.confidenceLevel) / 2),
    ...r.rates.map(([, rate]) => pct(rate)),
  ]);
  return [
    'Small samples: A/A false-High rate of one metric (direction increase, no floor) by points per side:',
    table(['data', 'confidence', 'nominal', ...sizes.map((n) => `n=${n}`)], body),
  ].join('\n');
}

const withPrefix = (prefix: string, name: string) =>
  prefix === '' ? name : `${prefix}${name.charAt(0).toUpperCase()}${name.slice(1)}`;

/**
 * The figures of the sequential judging issue for one policy: 5xx ×2 detection on the headline profile (whole run)
 * and on cw-ramp, the tail caught by step 2, median minutes to the rollback of +10 % mean latency on the headline
 * profile and on prom-ramp. Only those whose profile and scenario were simulated; Infinity (fewer than half rolled
 * back) is written as null.
 */
function sequentialFigures(input: ReportInput, policyId: string, prefix: string): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  const headline = input.setup.profiles[0];
  const tally = (profile: string, scenario: string) => {
    const cell = input.cells.find((c) => c.profile === profile && c.scenario === scenario && c.policy === policyId);
    return cell?.tally;
  };
  const put = (name: string, value: number | undefined) => {
    if (value !== undefined) out[withPrefix(prefix, name)] = Number.isFinite(value) ? value : null;
  };
  const errors = tally(headline.id, 'errors-x2');
  put('detectionRate5xx2x', errors && rollbackRate(errors));
  const ramp = tally('cw-ramp', 'errors-x2');
  put('detectionRate5xx2xRamp', ramp && rollbackRate(ramp));
  const tail = tally(headline.id, 'p99-tail');
  put('detectionRateTailByStep2', tail && rollbackRateByStep(tail, 2));
  const latency = tally(headline.id, 'latency-10pct');
  put('medianMinutesToRollbackLatency10pct', latency && medianMinutesToRollback(latency));
  const prom = tally('prom-ramp', 'latency-10pct');
  put('medianMinutesToRollbackLatency10pctProm', prom && medianMinutesToRollback(prom));
  return out;
}
