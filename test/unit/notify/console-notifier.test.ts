import { PassThrough } from 'node:stream';
import { ConsoleNotifier, formatConsoleLine } from '../../../shared/notify/console-notifier';
import { buildRunReportFixture } from '../../support/run-report-fixture';

describe('console notifier', () => {
  const { state } = buildRunReportFixture();

  it('writes one readable line per event', async () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c.toString()));
    const notifier = new ConsoleNotifier({ stream });
    const started = { ...state, judgments: [], outcome: undefined };
    const judged = { ...state, judgments: state.judgments.slice(0, 1), outcome: undefined };
    await notifier.notify({ kind: 'started', state: started, links: {} });
    await notifier.notify({ kind: 'judgment', state: judged, links: {} });
    await notifier.notify({ kind: 'finished', state, links: { report: '/tmp/r/report.html' } });
    expect(chunks.join('').split('\n')).toEqual([
      '[canary-judge] checkout-api-20261122-1400 started: checkout-api 1.4.2 → 1.5.0, steps 5% → 10% → 25%',
      '[canary-judge] checkout-api-20261122-1400 step 1/3 (5%) score 100/100 → continue: score 100 > marginal 50 at step 1 of 3',
      '[canary-judge] checkout-api-20261122-1400 ROLLED BACK: critical metric latency-p99 failed at step 2 of 3: latency-p99 is higher on the canary (median 120 ms → 146 ms, +21.3%) (score 0/100, judge: fail; report: /tmp/r/report.html)',
      '',
    ]);
  });

  it('colours only the decision, and only when asked', () => {
    const line = formatConsoleLine({ kind: 'finished', state, links: {} }, true);
    expect(line).toContain('\x1b[31mROLLED BACK\x1b[0m: critical metric');
    expect(formatConsoleLine({ kind: 'finished', state, links: {} })).not.toContain('\x1b[');
  });
});
