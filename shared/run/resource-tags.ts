/**
 * Tag keys put on everything a run creates (target groups, instances, listener rules), so teardown can
 * find a run's resources even when the state recorded only part of them.
 */
export const RUN_ID_TAG = 'canary-judge:run-id';
export const SERVICE_TAG = 'canary-judge:service';
export const ROLE_TAG = 'canary-judge:role';
