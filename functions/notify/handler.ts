import { z } from 'zod';
import { parseOrThrow } from '../../shared/config/validation';
import { notify, requestApproval } from '../../shared/run/notify';
import { runStateSchema } from '../../shared/run-model/run-state-schema';
import { APPROVAL_TOKEN_FIELD, EXECUTION_ARN_FIELD } from '../../state-machines/definition';
import { taskHandler, type HandlerOptions } from '../common/task-handler';

/**
 * Notify: write the report, complete the outcome, tell Slack / EventBridge. The state machine passes
 * `{ state, executionArn }` (the messages link to the execution). The same function answers AwaitApproval's
 * `.waitForTaskToken` invocation (`{ state, executionArn, approvalToken }`) by announcing the wait.
 */

const notifyRequestSchema = z.object({ state: runStateSchema, [EXECUTION_ARN_FIELD]: z.string().min(1) });
const approvalRequestSchema = notifyRequestSchema.extend({ [APPROVAL_TOKEN_FIELD]: z.string().min(1) });

type NotifyRequest = z.infer<typeof notifyRequestSchema>;
type NotifyEvent = (NotifyRequest & { kind: 'finish' }) | (NotifyRequest & { kind: 'approval' });

function parseEvent(event: unknown): NotifyEvent {
  const isApproval = typeof event === 'object' && event !== null && APPROVAL_TOKEN_FIELD in event;
  return isApproval
    ? { kind: 'approval', ...parseOrThrow(approvalRequestSchema, event, 'approval request') }
    : { kind: 'finish', ...parseOrThrow(notifyRequestSchema, event, 'notify request') };
}

export const makeHandler = (options: HandlerOptions = {}) =>
  taskHandler('notify', options, parseEvent, (event, deps, logger) => {
    logger.appendKeys({ runId: event.state.runId });
    const adapters = deps(event.state.input);
    const context = { executionArn: event.executionArn };
    return event.kind === 'approval'
      ? requestApproval(event.state, adapters, context)
      : notify(event.state, adapters, context);
  });

export const handler = makeHandler();
