import { judgeStep } from '../../shared/run/judge-step';
import { runStateHandler, type HandlerOptions } from '../common/task-handler';

/** Judge: compare canary with baseline over the step's window, store the details, decide. */
export const makeHandler = (options: HandlerOptions = {}) =>
  runStateHandler('judge', options, (state, deps) => judgeStep(state, deps));

export const handler = makeHandler();
