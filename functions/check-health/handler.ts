import { checkHealth } from '../../shared/run/check-health';
import { runStateHandler, type HandlerOptions } from '../common/task-handler';

/** CheckHealth: one poll of both versions' target health; the workflow loops until healthy or unhealthy. */
export const makeHandler = (options: HandlerOptions = {}) =>
  runStateHandler('check-health', options, (state, deps) => checkHealth(state, deps));

export const handler = makeHandler();
