/**
 * CloudWatch names ALB resources by the tail of their ARNs: the LoadBalancer dimension is
 * `app/<name>/<id>` and the TargetGroup dimension `targetgroup/<name>/<id>`. The tail alone is accepted too (what
 * the CloudWatch console shows, and what `canary-judge analyze` takes for a target group).
 */

const LOAD_BALANCER_ARN = /^(?:arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:loadbalancer\/)?(app\/[^/]+\/[^/]+)$/;
const TARGET_GROUP_ARN = /^(?:arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:)?(targetgroup\/[^/]+\/[^/]+)$/;

export function loadBalancerDimension(loadBalancerArn: string): string {
  const match = LOAD_BALANCER_ARN.exec(loadBalancerArn);
  if (!match) throw new Error(`not an Application Load Balancer ARN (or app/<name>/<id>): ${loadBalancerArn}`);
  return match[1];
}

export function targetGroupDimension(targetGroupArn: string): string {
  const match = TARGET_GROUP_ARN.exec(targetGroupArn);
  if (!match) throw new Error(`not a target group ARN (or targetgroup/<name>/<id>): ${targetGroupArn}`);
  return match[1];
}
