import { stepFunctionsExecutionUrl } from '../../../shared/notify/console-url';

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

  it.each([
    'local:checkout-api-20261122-1400',
    'arn:aws:states:us-east-1:123456789012:stateMachine:canary-judge',
    'arn:aws:states:us-east-1:123456789012:express:canary-judge:run:abc',
    'arn:aws-iso:states:us-iso-east-1:123456789012:execution:canary-judge:run-42',
    'arn:aws:states:us-east-1:123456789012:execution:canary-judge:run-42#<script>',
  ])('gives no link for %s', (arn) => {
    expect(stepFunctionsExecutionUrl(arn)).toBeUndefined();
  });
});
