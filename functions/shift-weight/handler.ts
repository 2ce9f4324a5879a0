import { shiftWeight } from '../../shared/run/shift-weight';
import { runStateHandler, type HandlerOptions } from '../common/task-handler';

/** ShiftWeight: apply the next step's weights to the run's listener rule. */
export const makeHandler = (options: HandlerOptions = {}) =>
  runStateHandler('shift-weight', options, (state, deps) => shiftWeight(state, deps));

export const handler = makeHandler();
