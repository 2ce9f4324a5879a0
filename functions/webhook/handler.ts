import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { launchOverridesFromEnv } from '../../shared/config/launch-overrides';
import { SecretCache } from '../../shared/secrets';
import { acceptRun } from '../../shared/webhook/accept-run';
import { decideApproval } from '../../shared/webhook/decide-approval';
import { HttpError, type HttpRequest, type HttpResponse } from '../../shared/webhook/http';
import { API_ENV, requiredEnv, serve, withApiKeys } from '../../shared/webhook/serve';

/** The run API's write side: start a run, approve or reject one waiting before promotion. */

const logger = new Logger();
const sfn = new SFNClient({});
const secrets = new SecretCache();

function route(req: HttpRequest): Promise<HttpResponse> {
  return withApiKeys(secrets, async (auth) => {
    const deps = {
      ...auth,
      sfn,
      stateMachineArn: requiredEnv(API_ENV.stateMachineArn),
      allowedLaunchOverrides: launchOverridesFromEnv(process.env),
    };
    switch (req.routeKey) {
      case 'POST /runs':
        return acceptRun(req, deps);
      case 'POST /runs/{id}/approve':
        return decideApproval(req, deps, true);
      case 'POST /runs/{id}/reject':
        return decideApproval(req, deps, false);
      default:
        throw new HttpError(404, 'not-found', `no route ${req.routeKey}`);
    }
  });
}

export const handler = middy(async (event: APIGatewayProxyEventV2) => serve(event, route, logger)).use(
  injectLambdaContext(logger),
);
