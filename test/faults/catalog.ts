/**
 * The fault catalogue: every fault the fault-matrix suite provokes, how, and what must come of it. The tests in
 * test/faults/ take their expectations from here (by id), and docs/faults.md ("Faults and what happens") is
 * rendered from it (test/faults/faults-doc.ts); catalog.test.ts fails when the two disagree or a row has no test.
 *
 * Besides what a row states, every test asserts what must hold after any fault: traffic back to 100 %
 * production (the local router's rules read back before it stops, or the moto listener), and no process,
 * target group, listener rule, instance or launch template version of the run left behind, and no stack trace
 * on the terminal. A row whose run never started asserts that nothing was started.
 */

export type FaultArea = 'local run' | 'AWS run' | 'run API' | 'command line' | 'workflow step';

export interface Fault {
  id: string;
  area: FaultArea;
  /** What goes wrong, as an operator would say it. */
  fault: string;
  /** How the suite provokes it. */
  provoked: string;
  /**
   * canary-judge's exit code (of `cleanup` for a row about what a killed run left), or the run API's HTTP status;
   * null for a workflow step or adapter provoked on its own, where no process exits.
   */
  exit: number | null;
  /** How it ends, in a few words. */
  outcome: string;
  /**
   * Text the reason a person reads contains, literally: the `reason` of `canary-judge run` (its final JSON and
   * `reason:` line), the message on stderr when nothing started, or the run API's `message`. Empty: none is due.
   */
  reason: string;
  /** A report is written (reports/<run-id>/report.html locally, S3 on AWS); null when the test does not run Notify. */
  report: boolean | null;
  /** A "finished" message reaches Slack (a local receiver stands in for it); null as for `report`. */
  notification: boolean | null;
  /** Where the behaviour was fixed, when it did not end well before. */
  fixed?: string;
  /** The fault is absorbed and the work goes on as if it had not happened: no reason is due (`reason` empty). */
  absorbed?: boolean;
  /** Runs at least one canary run (seconds each): its test is in a *.slow.test.ts file. */
  slow: boolean;
  /**
   * The tests that provoke it when they are not in test/faults/ (paths from the repository root): a fault first
   * tested where it was fixed. Each names the row's id in quotes, as the matrix's own tests do.
   */
  tests?: string[];
}

export const FAULTS: readonly Fault[] = [
  // --- local runs (canary-judge run as a child process, signalled and killed for real)
  {
    id: 'sigint-local',
    area: 'local run',
    fault: 'Ctrl-C during a step',
    provoked: 'SIGINT to `canary-judge run` while step 1/1 bakes',
    exit: 130,
    outcome: 'interrupted, torn down, verdict inconclusive',
    reason: 'interrupted by SIGINT at step 1/1; torn down',
    report: true,
    notification: true,
    fixed: 'issue 10 item 8',
    slow: true,
  },
  {
    id: 'sigterm-local',
    area: 'local run',
    fault: 'CI cancels the job, or `timeout` expires (SIGTERM)',
    provoked: 'SIGTERM to `canary-judge run` while step 1/1 bakes',
    exit: 143,
    outcome: 'interrupted, torn down, verdict inconclusive',
    reason: 'interrupted by SIGTERM at step 1/1; torn down',
    report: true,
    notification: true,
    fixed: 'issue 10 items 1, 8',
    slow: true,
  },
  {
    id: 'sighup-local',
    area: 'local run',
    fault: 'the terminal closes (SIGHUP)',
    provoked: 'SIGHUP to `canary-judge run` while step 1/1 bakes',
    exit: 129,
    outcome: 'interrupted, torn down, verdict inconclusive',
    reason: 'interrupted by SIGHUP at step 1/1; torn down',
    report: true,
    notification: true,
    fixed: 'issue 10 items 1, 8',
    slow: true,
  },
  {
    id: 'kill9-canary',
    area: 'local run',
    fault: 'the canary dies',
    provoked: "SIGKILL to the canary's process while step 1/1 bakes",
    exit: 1,
    outcome: 'rolled back, verdict fail',
    reason: 'canary 1.42.0 unhealthy: 0/1 healthy',
    report: true,
    notification: true,
    slow: true,
  },
  {
    id: 'kill9-baseline',
    area: 'local run',
    fault: 'the baseline dies',
    provoked: "SIGKILL to the baseline's process while step 1/1 bakes",
    exit: 2,
    outcome: 'could not judge (nothing to compare the canary with): rolled back, verdict inconclusive',
    reason: 'could not judge: baseline 1.41.0 unhealthy: 0/1 healthy',
    report: true,
    notification: true,
    fixed: 'issue 10 item 7',
    slow: true,
  },
  {
    id: 'metrics-down',
    area: 'local run',
    fault: 'the metrics source is down',
    provoked: 'metricsSource Prometheus on a port nothing listens on (1-second steps, so it is asked)',
    exit: 2,
    outcome: 'could not judge: rolled back, verdict inconclusive',
    reason: 'could not judge: the metrics source failed for every metric: prometheus http://127.0.0.1:9',
    report: true,
    notification: true,
    fixed: 'issue 10 item 7',
    slow: true,
  },
  {
    id: 'alb-condition-limit',
    area: 'local run',
    fault: 'more rule conditions than an ALB rule takes',
    provoked: '`traffic.conditions.pathPattern` with 6 values',
    exit: 3,
    outcome: 'refused by Validate, nothing started',
    reason: 'traffic.conditions.pathPattern: an ALB condition takes at most 3 values, got 6',
    report: false,
    notification: false,
    fixed: 'issue 10 item 2',
    slow: true,
  },
  {
    id: 'webhook-token',
    area: 'local run',
    fault: 'the promote webhook URL carries a secret token',
    provoked: 'a promoted run whose `promote.url` ends in `?token=…`',
    exit: 0,
    outcome: 'promoted; the token is in no output, report, message or run state',
    reason: 'verdict posted to http://127.0.0.1:',
    report: true,
    notification: true,
    fixed: 'issue 10 item 5',
    slow: true,
  },
  {
    id: 'hostile-names',
    area: 'local run',
    fault: 'HTML and Slack markup in a metric name',
    provoked:
      'a failing critical metric (5xx counts, every canary request failing) named `<img src=x onerror=alert(1)> <!channel>`',
    exit: 1,
    outcome: 'rolled back; the name is escaped in the report (no element) and in Slack (no mention)',
    reason: 'critical metric <img src=x onerror=alert(1)> <!channel>',
    report: true,
    notification: true,
    slow: true,
  },
  {
    id: 'runner-killed-local',
    area: 'local run',
    fault: "`canary-judge run` is killed (SIGKILL: no handler runs) with a user's service that ignores its parent",
    provoked: "SIGKILL to the CLI mid-step; each version a user's `local.command` with a helper process in its group",
    exit: 0,
    outcome:
      '`canary-judge cleanup` (or the next run, before it starts) stops every process group the run started; a second cleanup finds nothing',
    reason: 'nothing to clean up: no local run recorded under',
    report: null,
    notification: null,
    fixed: 'issue 10 item 9',
    slow: true,
    tests: ['test/e2e/killed-runner.test.ts'],
  },
  // --- AWS runs (canary-judge run --target aws against moto)
  {
    id: 'sigterm-aws',
    area: 'AWS run',
    fault: 'CI cancels an AWS run (SIGTERM)',
    provoked:
      'SIGTERM to `canary-judge run --target aws` while step 1/1 bakes (production 60 / baseline 20 / canary 20)',
    exit: 143,
    outcome: 'interrupted; rule, instances and target groups removed; listener free',
    reason: 'interrupted by SIGTERM at step 1/1; torn down',
    report: true,
    notification: true,
    fixed: 'issue 10 items 1, 8',
    slow: true,
  },
  {
    id: 'locked-aws',
    area: 'AWS run',
    fault: "the listener carries another run's rule",
    provoked: 'a rule tagged with another run id on the listener',
    exit: 2,
    outcome: "refused by Validate, nothing started, the other run's rule untouched",
    reason: 'is in use by canary-judge run "fault-holder"',
    report: false,
    notification: false,
    fixed: 'issue 10 item 2',
    slow: true,
  },
  {
    id: 'second-signal-aws',
    area: 'AWS run',
    fault: 'a second SIGTERM while teardown hangs (AWS unreachable)',
    provoked: 'SIGTERM, moto frozen (SIGSTOP), SIGTERM again',
    exit: 143,
    outcome: "exits 10 s after the second signal; what is left carries the run's tag, and teardown removes it later",
    reason: 'SIGTERM again: exiting in at most 10 s whether or not teardown has finished',
    report: false,
    notification: false,
    fixed: 'issue 10 item 1',
    slow: true,
  },
  {
    id: 'runner-killed-aws',
    area: 'AWS run',
    fault: '`canary-judge run --target aws` is killed (SIGKILL: no handler runs)',
    provoked: 'SIGKILL to the CLI after Provision, then `canary-judge cleanup --target aws` twice',
    exit: 0,
    outcome:
      'cleanup finds the dead run by its record and tag: rule, target groups and instances removed, production 100 %; the second finds nothing',
    reason: 'nothing to clean up: no aws run recorded under',
    report: null,
    notification: null,
    fixed: 'issue 10 item 9',
    slow: true,
    tests: ['test/e2e/killed-runner-aws.test.ts'],
  },
  {
    id: 'nothing-judged-aws',
    area: 'AWS run',
    fault: 'the run ends before the metrics source has a complete period',
    provoked: "4 s of traffic against CloudWatch's 60 s delay",
    exit: 2,
    outcome: 'could not judge: rolled back, verdict inconclusive, nothing left',
    reason: 'could not judge: nothing to judge after the last step: no complete cloudwatch period in the window yet',
    report: null,
    notification: null,
    fixed: 'issue 10 item 7',
    slow: true,
    tests: ['test/e2e/aws-run.test.ts'],
  },
  // --- the command line: bad input is refused before anything starts
  {
    id: 'config-not-json',
    area: 'command line',
    fault: 'the config is not JSON',
    provoked: '`--config` file `{"service": `',
    exit: 3,
    outcome: 'refused, nothing started',
    reason: 'is not valid JSON',
    report: false,
    notification: false,
    slow: false,
  },
  {
    id: 'config-missing-field',
    area: 'command line',
    fault: 'a required field is missing',
    provoked: 'a config without `service`',
    exit: 3,
    outcome: 'refused, nothing started',
    reason: 'invalid run input: service:',
    report: false,
    notification: false,
    slow: false,
  },
  {
    id: 'steps-not-a-list',
    area: 'command line',
    fault: 'a field of the wrong type with `--speed`',
    provoked: '`"steps": "fast"` and `--speed 2`',
    exit: 3,
    outcome: 'refused, nothing started',
    reason: 'invalid run input: steps:',
    report: false,
    notification: false,
    fixed: 'issue 10 item 6',
    slow: false,
  },
  {
    id: 'zero-duration-speed',
    area: 'command line',
    fault: 'a zero step duration with `--speed`',
    provoked: '`durationSeconds: 0` and `--speed 2`',
    exit: 3,
    outcome: 'refused, nothing started',
    reason: 'steps[0].durationSeconds',
    report: false,
    notification: false,
    fixed: 'issue 10 item 6',
    slow: false,
  },
  {
    id: 'warmup-huge',
    area: 'command line',
    fault: 'an absurd warm-up',
    provoked: '`analysis.warmupSeconds: 1e15`',
    exit: 3,
    outcome: 'refused, nothing started',
    reason: 'analysis.warmupSeconds',
    report: false,
    notification: false,
    fixed: 'issue 10 item 10',
    slow: false,
  },
  {
    id: 'warmup-longer-than-step',
    area: 'command line',
    fault: 'a warm-up that swallows a whole step',
    provoked: '`warmupSeconds: 30` with a 20 s step',
    exit: 3,
    outcome: 'refused, nothing started',
    reason: 'analysis.warmupSeconds: must be shorter than every step: steps[0].durationSeconds is 20',
    report: false,
    notification: false,
    fixed: 'issue 10 item 10',
    slow: false,
  },
  {
    id: 'period-huge',
    area: 'command line',
    fault: 'an absurd metric period',
    provoked: '`metricsSource.periodSeconds: 1e15`',
    exit: 3,
    outcome: 'refused, nothing started',
    reason: 'metricsSource.periodSeconds',
    report: false,
    notification: false,
    fixed: 'issue 10 item 10',
    slow: false,
  },
  {
    id: 'version-markup',
    area: 'command line',
    fault: 'a version with spaces and markup',
    provoked: '`canary.version: "1.2 <script>"`',
    exit: 3,
    outcome: 'refused, nothing started',
    reason: 'canary.version: letters, digits',
    report: false,
    notification: false,
    fixed: 'issue 10 item 10',
    slow: false,
  },
  {
    id: 'query-source-mismatch',
    area: 'command line',
    fault: "a metric query of another source's kind",
    provoked: "the fixture's CloudWatch-shaped queries with `metricsSource: prometheus`",
    exit: 3,
    outcome: 'refused, nothing started',
    reason:
      'canaryConfig.metrics[0].query.type: metric "error-rate" has a cloudwatch-ratio query, which metricsSource.type "prometheus" cannot answer',
    report: false,
    notification: false,
    slow: false,
  },
  {
    id: 'judge-bad-data',
    area: 'command line',
    fault: 'malformed samples for `canary-judge judge`',
    provoked: 'a sample that is a string',
    exit: 3,
    outcome: 'refused',
    reason: 'invalid metric data: latency-p99.baseline[1]: expected a number or null',
    report: false,
    notification: false,
    slow: false,
  },
  {
    id: 'unattainable-level',
    area: 'command line',
    fault: 'a confidence level the sample sizes cannot reach',
    provoked: '`canary-judge mann-whitney` with 1 baseline and 5 canary points at 98 % (and `judge`, 2 against 3)',
    exit: 0,
    outcome:
      'compared, with a warning: the smallest two-sided p-value of the exact test is 2/6 = 0.3333, so at most 66.66 %',
    reason: '98% confidence is not attainable with 1 baseline and 5 canary points',
    report: false,
    notification: false,
    fixed: 'issue 10 item 13',
    slow: false,
    tests: ['test/integration/cli/judge-cli.test.ts'],
  },
  // --- the run API (the deployed handlers against moto's Step Functions and Secrets Manager)
  {
    id: 'api-forged-signature',
    area: 'run API',
    fault: 'a forged request',
    provoked: '`POST /runs` signed with another key',
    exit: 401,
    outcome: 'refused, no execution started',
    reason: 'x-hub-signature-256 does not match the request',
    report: false,
    notification: false,
    slow: false,
  },
  {
    id: 'api-stale-timestamp',
    area: 'run API',
    fault: 'a captured request replayed an hour later',
    provoked: '`POST /runs` signed with a timestamp 3600 s old',
    exit: 401,
    outcome: 'refused, no execution started',
    reason: 'x-canary-judge-timestamp is 3600 s old; at most 300 s either way are accepted',
    report: false,
    notification: false,
    slow: false,
  },
  {
    id: 'api-replayed-delivery',
    area: 'run API',
    fault: 'a delivery id replayed with another body',
    provoked: 'a second `POST /runs` with the same delivery id and other steps',
    exit: 409,
    outcome: 'refused, no second execution',
    reason: 'already started',
    report: false,
    notification: false,
    slow: false,
  },
  {
    id: 'api-user-data',
    area: 'run API',
    fault: 'a run input with a boot script the deployment does not allow',
    provoked: '`canary.aws.userData` in `POST /runs` (default `allowedLaunchOverrides`)',
    exit: 403,
    outcome: 'refused, no execution started',
    reason: 'canary.aws.userData: not allowed by this deployment',
    report: false,
    notification: false,
    fixed: 'issue 10 item 4',
    slow: false,
  },
  {
    id: 'api-rotated-key',
    area: 'run API',
    fault: 'the API key was just rotated',
    provoked: 'a warm function gets a request signed with the new key, then one with the previous key',
    exit: 202,
    outcome: 'both start their run (a key two rotations old is refused: 401)',
    reason: '',
    report: false,
    notification: false,
    fixed: 'issue 10 item 11',
    slow: false,
  },
  // --- one workflow step or adapter, provoked on its own (moto, the local router, in-memory adapters)
  {
    id: 'listener-race',
    area: 'workflow step',
    fault: 'two runs take the same listener at the same moment',
    provoked: 'both create their rule at once (priorities 5 and 6), 20 tries, on ELBv2 (moto) and the local router',
    exit: null,
    outcome:
      'exactly one keeps the listener; the other deletes its own rule and fails with TrafficLocked (a run: exit 2)',
    reason: 'is in use by canary-judge run "',
    report: null,
    notification: null,
    fixed: 'issue 10 item 3',
    slow: false,
    tests: ['test/integration/traffic/listener-lock.test.ts'],
  },
  {
    id: 'vanishing-rule',
    area: 'workflow step',
    fault: "another run's rule vanishes while the listener's rules are being read",
    provoked:
      'the other run backs off and deletes its rule exactly between the listing of the rules and the reading of their ' +
      'tags (the local router; ELBv2 with DescribeTags answering RuleNotFoundException)',
    exit: null,
    outcome: 'the rules are read again (at most 5 times) and the shift goes on; before, it failed with RuleNotFound',
    reason: '',
    report: null,
    notification: null,
    fixed: 'issue 9 session (seen once in CI)',
    absorbed: true,
    slow: false,
    tests: ['test/integration/traffic/listener-lock.test.ts', 'test/integration/aws/alb-traffic.test.ts'],
  },
  {
    id: 'priority-in-use',
    area: 'workflow step',
    fault: 'two runs ask for the same rule priority at once',
    provoked:
      "both create their rule at the listener's first free priority, 20 tries, on ELBv2 (moto) and the local router",
    exit: null,
    outcome: "the load balancer's PriorityInUse becomes TrafficLocked naming the other run, never bad input",
    reason: 'is in use by canary-judge run "',
    report: null,
    notification: null,
    fixed: 'issue 10 item 3',
    slow: false,
    tests: ['test/integration/traffic/listener-lock.test.ts'],
  },
  {
    id: 'repeated-run-id',
    area: 'workflow step',
    fault: 'a run started again under a run id that is still in use',
    provoked:
      'Validate of a run whose id has a rule, target groups and instances (moto, and the local router with processes)',
    exit: null,
    outcome:
      'refused at Validate (a run: exit 3), naming what exists; the first run is untouched and its teardown removes all of it',
    reason: 'is already in use: listener rule',
    report: null,
    notification: null,
    fixed: 'issue 10 item 3',
    slow: false,
    tests: ['test/integration/run/repeated-run-id.test.ts'],
  },
  {
    id: 'judge-reason',
    area: 'workflow step',
    fault: "the judge forces the score to 0 (Kayenta's rules: half the metrics without data)",
    provoked: 'a judgment of score 0 with the reason `Canary Failed: 50% or more metrics returned NODATA (2 of 2)`',
    exit: null,
    outcome: "rolled back; the decision's reason, and so the run's, carries the judge's own words",
    reason: 'score 0 <= marginal 50 (Canary Failed: 50% or more metrics returned NODATA',
    report: null,
    notification: null,
    fixed: 'issue 10 item 12',
    slow: false,
    tests: ['test/unit/run/decision.test.ts'],
  },
];

/** The catalogue's row `id`; throws for an unknown id (a test naming a fault that is not catalogued). */
export function fault(id: string): Fault {
  const found = FAULTS.find((f) => f.id === id);
  if (!found) throw new Error(`no fault "${id}" in test/faults/catalog.ts`);
  return found;
}
