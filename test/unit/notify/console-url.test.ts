import { stepFunctionsExecutionUrl } from '../../../shared/notify/console-url';
import { executionArnFor, executionName } from '../../../shared/webhook/execution-name';

describe('stepFunctionsExecutionUrl', () => {
  it.each([
    [
      'arn:aws:states:eu-west-1:123456789012:execution:canary-judge:run-42',
      'https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:123456789012:execution:canary-judge:run-42',
    ],
    [
      'arn:aws-cn:states:cn-north-1:123456789012:execution:canary-judge:run-42',
      'https://cn-north-1.console.amazonaws.cn/states/home?region=cn-north-1#/v2/executions/details/arn:aws-cn:states:cn-north-1:123456789012:execution:canary-judge:run-42',
    ],
    [
      'arn:aws-us-gov:states:us-gov-west-1:123456789012:execution:canary-judge:run-42',
      'https://console.amazonaws-us-gov.com/states/home?region=us-gov-west-1#/v2/executions/details/arn:aws-us-gov:states:us-gov-west-1:123456789012:execution:canary-judge:run-42',
    ],
  ])('links %s to its partition and region', (arn, url) => {
    expect(stepFunctionsExecutionUrl(arn)).toBe(url);
  });

  it("links the executions the run API starts (names with '.', e.g. the canary version)", () => {
    const arn = executionArnFor(
      'arn:aws:states:eu-west-1:123456789012:stateMachine:canary-judge-run',
      executionName('checkout', '1.42.0', 'gh-4711-1'),
    );
    expect(arn).toBe('arn:aws:states:eu-west-1:123456789012:execution:canary-judge-run:checkout_1.42.0_gh-4711-1');
    expect(stepFunctionsExecutionUrl(arn)).toBe(
      `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${arn}`,
    );
  });

  it.each([
    'local:checkout-api-20261122-1400',
    'local-0b7c7f1e-2a4d-4c4e-9a51-3f0f2b1c9d8e',
    'arn:aws:states:us-east-1:123456789012:stateMachine:canary-judge',
    'arn:aws:states:us-east-1:123456789012:express:canary-judge:run:abc',
    'arn:aws-iso:states:us-iso-east-1:123456789012:execution:canary-judge:run-42',
    'arn:aws:states:us-east-1:123456789012:execution:canary-judge:run-42#<script>',
  ])('gives no link for %s', (arn) => {
    expect(stepFunctionsExecutionUrl(arn)).toBeUndefined();
  });
});
