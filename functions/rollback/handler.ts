import { rollback } from '../../shared/run/finish';
import { runStateHandler, type HandlerOptions } from '../common/task-handler';

/** Rollback: all traffic back to production at once; teardown follows. */
export const makeHandler = (options: HandlerOptions = {}) =>
  runStateHandler('rollback', options, (state, deps) => rollback(state, deps));

export const handler = makeHandler();
