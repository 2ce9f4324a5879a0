import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { SecretCache } from '../../shared/secrets';
import { runStatus } from '../../shared/webhook/run-status-request';
import { API_ENV, requiredEnv, serve, withApiKeys } from '../../shared/webhook/serve';

/** The run API's read side: `GET /runs/{id}` answers status, current step, score so far and verdict. */

const logger = new Logger();
const sfn = new SFNClient({});
const secrets = new SecretCache();

export const handler = middy(async (event: APIGatewayProxyEventV2) =>
  serve(
    event,
    (req) =>
      withApiKeys(secrets, (auth) =>
        runStatus(req, { ...auth, sfn, stateMachineArn: requiredEnv(API_ENV.stateMachineArn) }),
      ),
    logger,
  ),
).use(injectLambdaContext(logger));
