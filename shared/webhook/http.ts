import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** The run API's requests and answers, independent of API Gateway so the logic is testable as is. */

export interface HttpRequest {
  /** API Gateway's matched route, e.g. `POST /runs/{id}/approve`. */
  routeKey: string;
  method: string;
  /** Path as signed by the client, e.g. `/runs` or `/runs/<id>/approve`. */
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The raw body bytes (the signature covers exactly these). */
  body: Buffer;
  pathParameters: Record<string, string>;
  /** `https://<api host>`; with `path` it gives links in answers. */
  baseUrl?: string;
}

export interface HttpResponse {
  statusCode: number;
  body: unknown;
}

/** An answer other than success; `field` names the bad field or header for 400s. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }

  toResponse(): HttpResponse {
    return { statusCode: this.statusCode, body: { error: this.code, message: this.message, ...this.details } };
  }
}

export function fromApiGatewayEvent(event: APIGatewayProxyEventV2): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const raw = event.body ?? '';
  const pathParameters: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.pathParameters ?? {})) {
    if (value !== undefined) pathParameters[name] = value;
  }
  const host = event.requestContext.domainName;
  return {
    routeKey: event.routeKey,
    method: event.requestContext.http.method,
    path: event.rawPath,
    headers,
    body: event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8'),
    pathParameters,
    baseUrl: host ? `https://${host}` : undefined,
  };
}

export function toApiGatewayResult(response: HttpResponse): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: response.statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(response.body),
  };
}
