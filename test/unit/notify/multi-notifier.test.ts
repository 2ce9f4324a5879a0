import { MultiNotifier } from '../../../shared/notify/multi-notifier';
import type { Notifier, RunEvent } from '../../../shared/notify/notifier';
import { buildRunReportFixture } from '../../support/run-report-fixture';

class Recording implements Notifier {
  readonly seen: string[] = [];
  async notify(event: RunEvent): Promise<void> {
    this.seen.push(event.kind);
  }
}

class Broken implements Notifier {
  async notify(): Promise<void> {
    throw new Error('webhook exploded');
  }
}

describe('MultiNotifier', () => {
  it('tells every notifier and logs, never throws, when one fails', async () => {
    const first = new Recording();
    const last = new Recording();
    const warnings: [string, Record<string, unknown> | undefined][] = [];
    const multi = new MultiNotifier([first, new Broken(), last], { warn: (m, d) => warnings.push([m, d]) });
    const event: RunEvent = { kind: 'finished', state: buildRunReportFixture().state, links: {} };
    await expect(multi.notify(event)).resolves.toBeUndefined();
    expect(first.seen).toEqual(['finished']);
    expect(last.seen).toEqual(['finished']);
    expect(warnings).toEqual([
      ['notifier failed', { notifier: 'Broken', kind: 'finished', error: 'webhook exploded' }],
    ]);
  });
});
