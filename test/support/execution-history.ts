import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { runInputSchema } from '../../shared/config/run-config';
import type { JudgmentSummary, RunState } from '../../shared/run-model/run-state';
import { consoleInput } from './webhook-requests';

/**
 * Step Functions execution histories in the shape GetExecutionHistory returns them (event types, detail
 * field names, JSON strings for inputs/outputs/parameters), built state by state for tests.
 */

export function runState(overrides: Partial<RunState> = {}): RunState {
  return {
    runId: 'checkout-1-42-0-20260101000000',
    input: runInputSchema.parse(consoleInput()),
    startedAt: '2026-01-01T00:00:00.000Z',
    resources: {},
    judgments: [],
    ...overrides,
  };
}

export function judgment(step: number, score: number, action: JudgmentSummary['action']): JudgmentSummary {
  return {
    step,
    weight: [5, 10, 25][step],
    window: { start: '2026-01-01T00:10:00.000Z', end: '2026-01-01T00:20:00.000Z' },
    score,
    verdict: score >= 75 ? 'pass' : score > 50 ? 'marginal' : 'fail',
    confidenceLevel: 0.98,
    metrics: [],
    reportKey: `judgments/step-${step}.json`,
    action,
    reason: `score ${score}`,
  };
}

export class HistoryBuilder {
  readonly events: HistoryEvent[] = [];
  private at = Date.parse('2026-01-01T00:00:00Z');

  private push(type: string, details: Partial<HistoryEvent> = {}): this {
    this.at += 1000;
    this.events.push({ id: this.events.length + 1, timestamp: new Date(this.at), type, ...details } as HistoryEvent);
    return this;
  }

  started(input: unknown): this {
    return this.push('ExecutionStarted', {
      executionStartedEventDetails: { input: JSON.stringify(input), roleArn: 'arn:aws:iam::1:role/r' },
    });
  }

  /** A Lambda Task state that succeeds: entered with `input`, left with `output`. */
  task(name: string, input: unknown, output: unknown): this {
    this.enter(name, input, 'Task');
    this.push('TaskScheduled', {
      taskScheduledEventDetails: {
        resourceType: 'lambda',
        resource: 'invoke',
        region: 'eu-west-1',
        parameters: JSON.stringify({ FunctionName: `arn:fn:${name}`, Payload: input }),
      },
    });
    this.push('TaskStarted', { taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke' } });
    this.push('TaskSucceeded', {
      taskSucceededEventDetails: {
        resourceType: 'lambda',
        resource: 'invoke',
        output: JSON.stringify({ Payload: output }),
      },
    });
    return this.exit(name, output, 'Task');
  }

  enter(name: string, input: unknown, kind = 'Task'): this {
    return this.push(`${kind}StateEntered`, { stateEnteredEventDetails: { name, input: JSON.stringify(input) } });
  }

  exit(name: string, output: unknown, kind = 'Task'): this {
    return this.push(`${kind}StateExited`, { stateExitedEventDetails: { name, output: JSON.stringify(output) } });
  }

  /** The approval Task scheduled (the Lambda ran) and now waiting for SendTaskSuccess. */
  awaitApproval(name: string, state: unknown, token: string): this {
    this.enter(name, state);
    this.push('TaskScheduled', {
      taskScheduledEventDetails: {
        resourceType: 'lambda',
        resource: 'invoke.waitForTaskToken',
        region: 'eu-west-1',
        parameters: JSON.stringify({ FunctionName: 'arn:fn:notify', Payload: { state, approvalToken: token } }),
      },
    });
    this.push('TaskStarted', {
      taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken' },
    });
    return this.push('TaskSubmitted', {
      taskSubmittedEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken' },
    });
  }

  failedAttempt(): this {
    return this.push('TaskFailed', {
      taskFailedEventDetails: {
        resourceType: 'lambda',
        resource: 'invoke.waitForTaskToken',
        error: 'Lambda.ServiceException',
      },
    });
  }

  ended(type: 'ExecutionSucceeded' | 'ExecutionFailed' | 'ExecutionAborted' | 'ExecutionTimedOut'): this {
    return this.push(type);
  }
}
