/** Another run's rule is on the listener: two runs would judge each other's traffic. */
export class TrafficLockedError extends Error {
  override readonly name = 'TrafficLocked';
  constructor(
    readonly listenerArn: string,
    readonly otherRunId: string,
    readonly ruleArn: string,
  ) {
    super(
      `listener ${listenerArn} is in use by canary-judge run "${otherRunId}" (rule ${ruleArn}); ` +
        `wait for that run to finish or tear it down before starting another`,
    );
  }
}

/** The wire's "priority in use" (ELBv2's PriorityInUseException, the router's PriorityInUse), one name for both. */
export class PriorityInUseError extends Error {
  override readonly name = 'PriorityInUse';
  constructor(readonly priority: number) {
    super(`priority ${priority} is already in use`);
  }
}
