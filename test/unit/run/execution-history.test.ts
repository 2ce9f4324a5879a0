import {
  currentState,
  enteredStates,
  exitedStates,
  latestRunState,
  pendingTaskToken,
} from '../../../shared/run/execution-history';
import { HistoryBuilder, judgment, runState } from '../../support/execution-history';

const raw = { service: 'checkout' };
const s0 = runState();
const s1 = runState({
  resources: { baseline: { role: 'baseline', version: '1.41.0', targetGroupArn: 'tg-b', instanceIds: ['i-1'] } },
});
const s2 = { ...s1, judgments: [judgment(0, 90, 'continue')] };

describe('execution history', () => {
  it('lists entered and exited states in order and tells the current one', () => {
    const h = new HistoryBuilder()
      .started(raw)
      .task('Validate', raw, s0)
      .task('Provision', s0, s1)
      .enter('CheckHealth', s1);
    expect(enteredStates(h.events)).toEqual(['Validate', 'Provision', 'CheckHealth']);
    expect(exitedStates(h.events)).toEqual(['Validate', 'Provision']);
    expect(currentState(h.events)).toBe('CheckHealth');
  });

  it('finds the newest RunState, from an exit or an entry', () => {
    const h = new HistoryBuilder().started(raw).task('Validate', raw, s0).task('Provision', s0, s1);
    expect(latestRunState(h.events)).toEqual(s1);
    h.enter('Judge', s2);
    expect(latestRunState(h.events)).toEqual(s2);
  });

  it('checks the newest RunState with its schema: one edited by hand fails naming the field', () => {
    const edited = { ...s2, judgments: [{ ...judgment(0, 90, 'continue'), score: 'ninety' }] };
    const h = new HistoryBuilder().started(raw).task('Validate', raw, s0).enter('Judge', edited);
    expect(() => latestRunState(h.events)).toThrow(
      /^invalid run state from the execution history: judgments\[0\]\.score: /,
    );
  });

  it('has no RunState while only the raw input was seen (nothing was created)', () => {
    const h = new HistoryBuilder().started(raw).enter('Validate', raw);
    expect(latestRunState(h.events)).toBeUndefined();
  });
});

describe('pendingTaskToken', () => {
  const waiting = () =>
    new HistoryBuilder().started(raw).task('Validate', raw, s0).awaitApproval('AwaitApproval', s2, 'token-1');

  it('is the token of the approval the execution waits in', () => {
    expect(pendingTaskToken(waiting().events, 'AwaitApproval', 'approvalToken')).toBe('token-1');
  });

  it('is the newest token when the invocation was retried', () => {
    const h = waiting().failedAttempt();
    h.events.push(...new HistoryBuilder().awaitApproval('AwaitApproval', s2, 'token-2').events.slice(1));
    expect(pendingTaskToken(h.events, 'AwaitApproval', 'approvalToken')).toBe('token-2');
  });

  it('is undefined once the state was left, another state runs, or the execution ended', () => {
    expect(
      pendingTaskToken(waiting().exit('AwaitApproval', s2).events, 'AwaitApproval', 'approvalToken'),
    ).toBeUndefined();
    expect(pendingTaskToken(waiting().enter('Rollback', s2).events, 'AwaitApproval', 'approvalToken')).toBeUndefined();
    expect(
      pendingTaskToken(waiting().ended('ExecutionAborted').events, 'AwaitApproval', 'approvalToken'),
    ).toBeUndefined();
    expect(pendingTaskToken(waiting().events, 'OtherState', 'approvalToken')).toBeUndefined();
  });
});
