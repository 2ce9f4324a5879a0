import { loadBalancerDimension, targetGroupDimension } from '../../../shared/aws/arn';

describe("CloudWatch's ALB dimensions from ARNs", () => {
  it('takes the tail of the load balancer and target group ARNs', () => {
    expect(
      loadBalancerDimension(
        'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188',
      ),
    ).toBe('app/web/50dc6c495c0c9188');
    expect(
      targetGroupDimension(
        'arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:targetgroup/cj-1-canary/943f017f100becff',
      ),
    ).toBe('targetgroup/cj-1-canary/943f017f100becff');
  });

  it('takes the dimension form as it is', () => {
    expect(loadBalancerDimension('app/web/50dc6c495c0c9188')).toBe('app/web/50dc6c495c0c9188');
    expect(targetGroupDimension('targetgroup/shop-blue/943f017f100becff')).toBe(
      'targetgroup/shop-blue/943f017f100becff',
    );
    expect(() => targetGroupDimension('targetgroup/shop-blue')).toThrow('not a target group ARN');
  });

  it('refuses ARNs of other things', () => {
    expect(() => loadBalancerDimension('arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/net/nlb/1')).toThrow(
      'not an Application Load Balancer ARN',
    );
    expect(() => targetGroupDimension('arn:aws:ec2:eu-west-1:1:instance/i-1')).toThrow('not a target group ARN');
  });
});
