/**
 * CloudWatch names ALB resources by the tail of their ARNs: the LoadBalancer dimension is
 * `app/<name>/<id>` and the TargetGroup dimension `targetgroup/<name>/<id>`.
 */

const LOAD_BALANCER_ARN = /^arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:loadbalancer\/(app\/[^/]+\/[^/]+)$/;
const TARGET_GROUP_ARN = /^arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:(targetgroup\/[^/]+\/[^/]+)$/;

export function loadBalancerDimension(loadBalancerArn: string): string {
  const match = LOAD_BALANCER_ARN.exec(loadBalancerArn);
  if (!match) throw new Error(`not an Application Load Balancer ARN: ${loadBalancerArn}`);
  return match[1];
}

export function targetGroupDimension(targetGroupArn: string): string {
  const match = TARGET_GROUP_ARN.exec(targetGroupArn);
  if (!match) throw new Error(`not a target group ARN: ${targetGroupArn}`);
  return match[1];
}
