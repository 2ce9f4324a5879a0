import { promote } from '../../shared/run/finish';
import { runStateHandler, type HandlerOptions } from '../common/task-handler';

/** Promote: roll the canary's version out with the configured strategy. */
export const makeHandler = (options: HandlerOptions = {}) =>
  runStateHandler('promote', options, (state, deps) => promote(state, deps));

export const handler = makeHandler();
