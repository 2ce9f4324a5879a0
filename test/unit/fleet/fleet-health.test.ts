import { fleetHealth } from '../../../shared/fleet/fleet-health';

/** The one health rule both fleets (EC2, local processes) apply to what they observed of each instance. */

describe('fleetHealth', () => {
  it('is healthy only when every instance is, and registers nothing then', () => {
    expect(
      fleetHealth([
        { id: 'i-1', kind: 'healthy' },
        { id: 'i-2', kind: 'healthy' },
      ]),
    ).toEqual({ health: { status: 'healthy', detail: '2/2 healthy' }, register: [] });
  });

  it('is pending while instances start or fail checks, and registers the ones ready for it', () => {
    expect(
      fleetHealth([
        { id: 'i-1', kind: 'healthy' },
        { id: 'i-2', kind: 'unregistered', note: 'instance running, not registered yet' },
        { id: 'i-3', kind: 'pending', note: 'unhealthy Target.FailedHealthChecks' },
      ]),
    ).toEqual({
      health: {
        status: 'pending',
        detail: '1/3 healthy; i-2: instance running, not registered yet; i-3: unhealthy Target.FailedHealthChecks',
      },
      register: ['i-2'],
    });
  });

  it('is unhealthy as soon as one instance is dead, and then registers nothing', () => {
    expect(
      fleetHealth([
        { id: 'local:1', kind: 'dead', note: 'process exited (see canary-0.log)' },
        { id: 'local:2', kind: 'unregistered', note: 'starting, not listening on port 4000 yet' },
      ]),
    ).toEqual({
      health: {
        status: 'unhealthy',
        detail:
          '0/2 healthy; local:1: process exited (see canary-0.log); local:2: starting, not listening on port 4000 yet',
      },
      register: [],
    });
  });

  it('calls a version without instances unhealthy', () => {
    expect(fleetHealth([])).toEqual({
      health: { status: 'unhealthy', detail: 'no instances were launched' },
      register: [],
    });
  });
});
