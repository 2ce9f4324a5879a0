import { runInputSchema } from '../../shared/config/run-config';
import { parseOrThrow } from '../../shared/config/validation';
import { startRun } from '../../shared/run/start';
import { taskHandler, type HandlerOptions } from '../common/task-handler';

/**
 * Validate: the raw run input in, a RunState out. Bad input fails with a ValidationError naming the field;
 * a listener held by another run fails too. Either way nothing was created or changed.
 */
export const makeHandler = (options: HandlerOptions = {}) =>
  taskHandler(
    'validate',
    options,
    (event) => parseOrThrow(runInputSchema, event, 'run input'),
    (input, deps) => startRun(input, deps(input)),
  );

export const handler = makeHandler();
