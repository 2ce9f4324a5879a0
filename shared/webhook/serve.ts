import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { RotatingSecretReader } from '../secrets';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_TOLERANCE_SECONDS, type AuthOptions } from './authenticate';
import { fromApiGatewayEvent, HttpError, toApiGatewayResult, type HttpRequest, type HttpResponse } from './http';

/** API Gateway event in, answer out: refusals (HttpError) become their status, anything else a logged 500. */
export async function serve(
  event: APIGatewayProxyEventV2,
  route: (req: HttpRequest) => Promise<HttpResponse>,
  logger: Pick<Logger, 'info' | 'warn' | 'error'>,
): Promise<APIGatewayProxyStructuredResultV2> {
  const req = fromApiGatewayEvent(event);
  try {
    const response = await route(req);
    logger.info('answered', { method: req.method, path: req.path, statusCode: response.statusCode });
    return toApiGatewayResult(response);
  } catch (error) {
    if (error instanceof HttpError) {
      logger.warn('refused', {
        method: req.method,
        path: req.path,
        statusCode: error.statusCode,
        code: error.code,
        reason: error.message,
      });
      return toApiGatewayResult(error.toResponse());
    }
    logger.error('failed', { method: req.method, path: req.path, error: error as Error });
    return toApiGatewayResult({
      statusCode: 500,
      body: { error: 'internal', message: 'internal error; see the function log' },
    });
  }
}

/** A positive integer from the environment, or the default. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** Environment of the run API functions (set by the CDK construct). */
export const API_ENV = {
  stateMachineArn: 'STATE_MACHINE_ARN',
  webhookSecretArn: 'WEBHOOK_SECRET_ARN',
  maxBodyBytes: 'MAX_BODY_BYTES',
  timestampToleranceSeconds: 'TIMESTAMP_TOLERANCE_SECONDS',
} as const;

/** The run API functions' settings: the HMAC keys (Secrets Manager, cached) and the limits. */
export async function authOptionsFromEnv(secrets: RotatingSecretReader): Promise<AuthOptions> {
  return {
    secrets: await secrets.versions(requiredEnv(API_ENV.webhookSecretArn)),
    maxBodyBytes: envInt(API_ENV.maxBodyBytes, DEFAULT_MAX_BODY_BYTES),
    toleranceSeconds: envInt(API_ENV.timestampToleranceSeconds, DEFAULT_TOLERANCE_SECONDS),
    now: Date.now,
  };
}

/**
 * Answers a request with the run API's keys. A signature that matches none of the cached keys may have been
 * made with a key rotated since they were read: the secret is read again (see RotatingSecretReader.forget)
 * and the request checked once more, so a warm function accepts a new key at once, not after the cache expires.
 * Authentication is the first thing every route does, so a refused request has changed nothing to repeat.
 */
export async function withApiKeys(
  secrets: RotatingSecretReader,
  route: (auth: AuthOptions) => Promise<HttpResponse>,
): Promise<HttpResponse> {
  try {
    return await route(await authOptionsFromEnv(secrets));
  } catch (error) {
    const badSignature = error instanceof HttpError && error.code === 'bad-signature';
    if (!badSignature || !secrets.forget(requiredEnv(API_ENV.webhookSecretArn))) throw error;
    return route(await authOptionsFromEnv(secrets));
  }
}
