import { teardown } from '../../shared/run/finish';
import { runStateHandler, type HandlerOptions } from '../common/task-handler';

/** Teardown: restore 100% production and remove everything the run created. Idempotent. */
export const makeHandler = (options: HandlerOptions = {}) =>
  runStateHandler('teardown', options, (state, deps) => teardown(state, deps));

export const handler = makeHandler();
