/**
 * Helpers to read a synthesized CloudFormation template in tests: resources by type, the IAM statements
 * of a role, and intrinsic functions replaced by plain strings (so e.g. the state machine's
 * DefinitionString parses as ASL).
 */

export type Resources = Record<string, { Type: string; Properties?: Record<string, any>; DependsOn?: unknown }>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export function ofType(resources: Resources, type: string): [string, NonNullable<Resources[string]['Properties']>][] {
  return Object.entries(resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);
}

export const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every statement of the IAM policies attached to the role with this logical id. */
export function roleStatements(resources: Resources, roleLogicalId: string): Statement[] {
  return ofType(resources, 'AWS::IAM::Policy')
    .filter(([, p]) => asList(p.Roles).some((r: { Ref?: string }) => r.Ref === roleLogicalId))
    .flatMap(([, p]) => p.PolicyDocument.Statement as Statement[]);
}

/** Replace Ref/GetAtt/Join with readable strings: `${Ref}`, `arn:fn:<logicalId>` for GetAtt Arn, joined strings. */
export function flatten(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(flatten);
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('Ref' in v) return v.Ref === 'AWS::Partition' ? 'aws' : `\${${String(v.Ref)}}`;
    if ('Fn::GetAtt' in v) {
      const [id, attr] = v['Fn::GetAtt'] as [string, string];
      return attr === 'Arn' ? `arn:fn:${id}` : `\${${id}.${attr}}`;
    }
    if ('Fn::Join' in v) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => String(flatten(p))).join(sep);
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, flatten(x)]));
  }
  return value;
}
