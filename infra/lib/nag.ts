import { Stack, Validations } from 'aws-cdk-lib';
import type { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag (AwsSolutions) acknowledgements, each with the reason the finding is accepted. Wildcard
 * findings are acknowledged one by one, next to the statement that causes them, so a new wildcard
 * somewhere else still fails the nag test.
 */

export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** The AwsSolutions-IAM5 finding ids cdk-nag reports for these statements (same rendering as cdk-nag). */
export function wildcardFindings(scope: IConstruct, statements: PolicyStatement[]): string[] {
  const findings = new Set<string>();
  for (const statement of statements) {
    const json = Stack.of(scope).resolve(statement.toStatementJson()) as { Action?: unknown; Resource?: unknown };
    const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
    for (const action of list(json.Action)) {
      if (typeof action === 'string' && action.includes('*')) findings.add(`AwsSolutions-IAM5[Action::${action}]`);
    }
    for (const resource of list(json.Resource)) {
      const flat = flattenCfnReference(resource);
      if (flat.includes('*')) findings.add(`AwsSolutions-IAM5[Resource::${flat}]`);
    }
  }
  return [...findings];
}

export function acknowledgeWildcards(role: IConstruct, statements: PolicyStatement[], reason: string): void {
  for (const id of wildcardFindings(role, statements)) acknowledge(role, id, reason);
}
