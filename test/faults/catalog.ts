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

export type FaultArea = 'local run' | 'AWS run' | 'run API' | 'command line';

export interface Fault {
  id: string;
  area: FaultArea;
  /** What goes wrong, as an operator would say it. */
  fault: string;
  /** How the suite provokes it. */
  provoked: string;
  /** canary-judge's exit code, or the run API's HTTP status. */
  exit: number;
  /** How it ends, in a few words. */
  outcome: string;
  /**
   * Text the reason a person reads contains, literally: the `reason` of `canary-judge run` (its final JSON and
   * `reason:` line), the message on stderr when nothing started, or the run API's `message`. Empty: none is due.
   */
  reason: string;
  /** A report is written (reports/<run-id>/report.html locally, S3 on AWS). */
  report: boolean;
  /** A "finished" message reaches Slack (a local receiver stands in for it). */
  notification: boolean;
  /** Where the behaviour was fixed, when it did not end well before. */
  fixed?: string;
  /** Runs at least one canary run (seconds each): its test is in a *.slow.test.ts file. */
  slow: boolean;
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
    exit: 1,
    outcome: 'rolled back, verdict fail',
    reason: 'baseline 1.41.0 unhealthy: 0/1 healthy',
    report: true,
    notification: true,
    slow: true,
  },
  {
    id: 'metrics-down',
    area: 'local run',
    fault: 'the metrics source is down',
    provoked: 'metricsSource Prometheus on a port nothing listens on',
    exit: 1,
    outcome: 'rolled back, verdict fail',
    reason: 'critical metric error-rate is Nodata',
    report: true,
    notification: true,
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
    provoked: 'a failing critical metric named `<img src=x onerror=alert(1)> <!channel>`',
    exit: 1,
    outcome: 'rolled back; the name is escaped in the report (no element) and in Slack (no mention)',
    reason: 'critical metric <img src=x onerror=alert(1)> <!channel>',
    report: true,
    notification: true,
    slow: true,
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
];

/** The catalogue's row `id`; throws for an unknown id (a test naming a fault that is not catalogued). */
export function fault(id: string): Fault {
  const found = FAULTS.find((f) => f.id === id);
  if (!found) throw new Error(`no fault "${id}" in test/faults/catalog.ts`);
  return found;
}
