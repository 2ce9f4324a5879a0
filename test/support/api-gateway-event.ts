import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { HttpRequest } from '../../shared/webhook/http';

/** An HTTP API (payload 2.0) event as API Gateway hands it to the function, from a test request. */
export function apiGatewayEvent(req: HttpRequest, options: { base64?: boolean } = {}): APIGatewayProxyEventV2 {
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: req.routeKey,
    rawPath: req.path,
    rawQueryString: '',
    headers: { ...req.headers, 'content-type': 'application/json', host: 'api.example.test' },
    pathParameters: Object.keys(req.pathParameters).length ? req.pathParameters : undefined,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.test',
      domainPrefix: 'api',
      http: { method: req.method, path: req.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      requestId: `req-${now}`,
      routeKey: req.routeKey,
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    body: options.base64 ? req.body.toString('base64') : req.body.toString('utf8'),
    isBase64Encoded: options.base64 ?? false,
  };
}

/** The Lambda context a handler gets (the fields Powertools' logger reads). */
export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: `test-${Date.now()}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
