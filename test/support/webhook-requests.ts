import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { HttpRequest } from '../../shared/webhook/http';
import { DELIVERY_HEADER, sign, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../shared/webhook/signature';

/** Signed run API requests for tests, built the way a CI client builds them. */

export const WEBHOOK_SECRET = 'test-webhook-secret';

export function consoleInput(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(__dirname, '../../examples/console-input.json'), 'utf8'));
}

export interface SignOptions {
  method?: string;
  path?: string;
  routeKey?: string;
  deliveryId?: string;
  /** Unix seconds; a string is sent as is (to test malformed ones). */
  timestamp?: number | string;
  secret?: string;
  pathParameters?: Record<string, string>;
}

export function signedRequest(body: string | Buffer, options: SignOptions = {}): HttpRequest {
  const method = options.method ?? 'POST';
  const requestPath = options.path ?? '/runs';
  const timestamp = String(options.timestamp ?? Math.round(Date.now() / 1000));
  const deliveryId = options.deliveryId ?? 'delivery-1';
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const signature = sign(options.secret ?? WEBHOOK_SECRET, {
    timestamp,
    deliveryId,
    method,
    path: requestPath,
    body: bytes,
  });
  return {
    routeKey: options.routeKey ?? `${method} ${requestPath}`,
    method,
    path: requestPath,
    headers: { [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp, [DELIVERY_HEADER]: deliveryId },
    body: bytes,
    pathParameters: options.pathParameters ?? {},
    baseUrl: 'https://api.example.test',
  };
}
