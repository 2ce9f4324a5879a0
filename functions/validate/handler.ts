import { assertLaunchOverridesAllowed, launchOverridesFromEnv } from '../../shared/config/launch-overrides';
import { runInputSchema } from '../../shared/config/run-config';
import { parseOrThrow } from '../../shared/config/validation';
import { startRun } from '../../shared/run/start';
import { taskHandler, type HandlerOptions } from '../common/task-handler';

/**
 * Validate: the raw run input in, a RunState out. Bad input fails with a ValidationError naming the field, and
 * so does a launch field the deployment does not accept (ALLOWED_LAUNCH_OVERRIDES); a listener held by another
 * run fails too. Either way nothing was created or changed.
 */
export const makeHandler = (options: HandlerOptions = {}) => {
  // Set by the CDK construct: a run started from the console passes here without the run API's check.
  const allowed = launchOverridesFromEnv(options.env ?? process.env);
  return taskHandler(
    'validate',
    options,
    (event) => parseOrThrow(runInputSchema, event, 'run input'),
    (input, deps) => {
      assertLaunchOverridesAllowed(input, allowed);
      return startRun(input, deps(input));
    },
  );
};

export const handler = makeHandler();
