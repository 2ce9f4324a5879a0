import type { Condition } from '../../shared/router-api/schemas';

/**
 * ALB listener-rule condition matching: every condition must match, any value of a condition may match.
 * `*` matches any run of characters and `?` exactly one. path-pattern and http-request-method are
 * case-sensitive; host-header and http-header values are not. path-pattern sees the path without the query.
 */

export interface RequestFacts {
  method: string;
  path: string;
  /** The Host header without a port. */
  host: string;
  headers: Record<string, string | string[] | undefined>;
}

const patternCache = new Map<string, RegExp>();

function wildcard(pattern: string, caseInsensitive: boolean): RegExp {
  const key = `${caseInsensitive ? 'i' : 's'}:${pattern}`;
  let regex = patternCache.get(key);
  if (!regex) {
    const body = pattern
      .split('')
      .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
      .join('');
    regex = new RegExp(`^${body}$`, caseInsensitive ? 'is' : 's');
    if (patternCache.size > 1000) patternCache.clear();
    patternCache.set(key, regex);
  }
  return regex;
}

function matchesOne(condition: Condition, request: RequestFacts): boolean {
  switch (condition.field) {
    case 'path-pattern':
      return condition.values.some((v) => wildcard(v, false).test(request.path));
    case 'host-header':
      return condition.values.some((v) => wildcard(v, true).test(request.host));
    case 'http-request-method':
      return condition.values.includes(request.method);
    case 'http-header': {
      const raw = request.headers[condition.httpHeaderName.toLowerCase()];
      const present = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      return present.some((value) => condition.values.some((v) => wildcard(v, true).test(value)));
    }
  }
}

export function matchesConditions(conditions: readonly Condition[], request: RequestFacts): boolean {
  return conditions.every((c) => matchesOne(c, request));
}

/** Facts from a raw request line and headers. */
export function requestFacts(
  method: string | undefined,
  url: string | undefined,
  headers: Record<string, string | string[] | undefined>,
): RequestFacts {
  const target = url ?? '/';
  const queryAt = target.indexOf('?');
  const hostHeader = typeof headers.host === 'string' ? headers.host : '';
  // Strip a port, keeping bracketed IPv6 hosts intact.
  const host = hostHeader.replace(/:\d+$/, '');
  return { method: method ?? 'GET', path: queryAt >= 0 ? target.slice(0, queryAt) : target, host, headers };
}
