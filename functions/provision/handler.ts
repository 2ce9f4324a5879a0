import { provision } from '../../shared/run/provision';
import { runStateHandler, type HandlerOptions } from '../common/task-handler';

/** Provision: launch baseline and canary in their own target groups, start the health deadline. */
export const makeHandler = (options: HandlerOptions = {}) =>
  runStateHandler('provision', options, (state, deps) => provision(state, deps));

export const handler = makeHandler();
