import { CLEANUP_STATES } from '../../../shared/run/cleanup';
import { buildDefinition, localFunctionArns } from '../../../state-machines/definition';

/** Cleanup reads "teardown done" and "notify done" from state names: they must match the workflow. */
describe('cleanup agrees with the workflow definition', () => {
  const states = buildDefinition(localFunctionArns()).States as Record<
    string,
    { Next?: string; Catch?: { Next: string }[] }
  >;

  it('Notify is reached only from a successful Teardown', () => {
    const into = Object.entries(states).filter(
      ([, s]) =>
        s.Next === CLEANUP_STATES.afterTeardown || s.Catch?.some((c) => c.Next === CLEANUP_STATES.afterTeardown),
    );
    expect(into.map(([name]) => name)).toEqual(['Teardown']);
    expect(states.Teardown.Next).toBe(CLEANUP_STATES.afterTeardown);
  });

  it('a failed Notify is caught into NotifyFailed', () => {
    expect(states[CLEANUP_STATES.notify].Catch?.map((c) => c.Next)).toEqual([CLEANUP_STATES.notifyFailed]);
  });
});
