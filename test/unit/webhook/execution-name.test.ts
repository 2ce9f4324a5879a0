import { executionArnFor, executionName, isExecutionName } from '../../../shared/webhook/execution-name';

describe('executionName', () => {
  it('joins service, canary version and delivery id', () => {
    expect(executionName('checkout', '1.42.0', 'gh-4711-1')).toBe('checkout_1.42.0_gh-4711-1');
  });

  it('is deterministic', () => {
    expect(executionName('checkout', 'v2+build/7', 'd1')).toBe(executionName('checkout', 'v2+build/7', 'd1'));
  });

  it('replaces characters Step Functions or CloudWatch Logs reject', () => {
    const name = executionName('checkout', 'v2 build/7:{x}', 'a:b c');
    expect(name).toBe('checkout_v2-build-7-x-_a-b-c');
    expect(isExecutionName(name)).toBe(true);
  });

  it('keeps parts apart: a dash moved between version and delivery gives another name', () => {
    expect(executionName('svc', 'a-b', 'c')).not.toBe(executionName('svc', 'a', 'b-c'));
  });

  it('shortens long names to 80 characters and keeps them unique with a hash', () => {
    const version = 'release-2026.11.22-'.repeat(4);
    const a = executionName('checkout', version, 'delivery-0001');
    const b = executionName('checkout', version, 'delivery-0002');
    expect(a).toHaveLength(80);
    expect(b).toHaveLength(80);
    expect(a).not.toBe(b);
    expect(a.slice(0, 71)).toBe(b.slice(0, 71));
    expect(a).toMatch(/-[0-9a-f]{8}$/);
    expect(isExecutionName(a)).toBe(true);
  });
});

describe('executionArnFor', () => {
  it('turns the state machine ARN into the execution ARN', () => {
    expect(executionArnFor('arn:aws:states:eu-west-1:123456789012:stateMachine:canary-judge', 'x_1_d')).toBe(
      'arn:aws:states:eu-west-1:123456789012:execution:canary-judge:x_1_d',
    );
  });

  it('refuses anything else', () => {
    expect(() => executionArnFor('arn:aws:lambda:eu-west-1:123456789012:function:f', 'x')).toThrow(
      /not a state machine ARN/,
    );
  });
});
