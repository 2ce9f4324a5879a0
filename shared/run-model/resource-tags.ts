/**
 * Tag keys put on everything a run creates (target groups, instances, listener rules), so teardown can
 * find a run's resources even when the state recorded only part of them.
 */
export const RUN_ID_TAG = 'canary-judge:run-id';
export const SERVICE_TAG = 'canary-judge:service';
export const ROLE_TAG = 'canary-judge:role';
/**
 * On a run's listener rule: when the run asked for the listener (ISO 8601, ms). Two runs that create
 * their rules at the same time both see both rules; the one asked for first keeps the listener.
 */
export const REQUESTED_AT_TAG = 'canary-judge:requested-at';
