import { z } from 'zod';
import { parseOrThrow } from '../../shared/config/validation';
import { notify, requestApproval } from '../../shared/run/notify';
import { runStateSchema } from '../../shared/run/run-state-schema';
import { APPROVAL_TOKEN_FIELD } from '../../state-machines/definition';
import { taskHandler, type HandlerOptions } from '../common/task-handler';

/**
 * Notify: write the report, complete the outcome, tell Slack / EventBridge. The same function answers
 * AwaitApproval's `.waitForTaskToken` invocation ({ state, approvalToken }) by announcing the wait.
 */

const approvalRequestSchema = z.object({ state: runStateSchema, [APPROVAL_TOKEN_FIELD]: z.string().min(1) });

type NotifyEvent =
  | { kind: 'finish'; state: z.infer<typeof runStateSchema> }
  | { kind: 'approval'; state: z.infer<typeof runStateSchema> };

function parseEvent(event: unknown): NotifyEvent {
  const isApproval = typeof event === 'object' && event !== null && APPROVAL_TOKEN_FIELD in event;
  return isApproval
    ? { kind: 'approval', state: parseOrThrow(approvalRequestSchema, event, 'approval request').state }
    : { kind: 'finish', state: parseOrThrow(runStateSchema, event, 'run state') };
}

export const makeHandler = (options: HandlerOptions = {}) =>
  taskHandler('notify', options, parseEvent, (event, deps, logger) => {
    logger.appendKeys({ runId: event.state.runId });
    const adapters = deps(event.state.input);
    return event.kind === 'approval' ? requestApproval(event.state, adapters) : notify(event.state, adapters);
  });

export const handler = makeHandler();
