import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  CreateStateMachineCommand,
  ListExecutionsCommand,
  SFNClient,
  type ExecutionListItem,
} from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { apiGatewayEvent, lambdaContext } from './api-gateway-event';
import { startMoto, type Moto } from './moto';
import { signedRequest, WEBHOOK_SECRET, type SignOptions } from './webhook-requests';

/**
 * The deployed run API functions (webhook, status) against moto's Step Functions and Secrets Manager: the
 * real handlers (middy, Powertools logger, SDK clients built from the environment the CDK construct sets)
 * get API Gateway events; Step Functions is read back afterwards.
 */

export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface ApiAnswer {
  statusCode: number | undefined;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON answers, read field by field
}

export interface RunApi {
  moto: Moto;
  sfn: SFNClient;
  secretsManager: SecretsManagerClient;
  stateMachineArn: string;
  webhook: ApiHandler;
  status: ApiHandler;
  call(handler: ApiHandler, body: string | Buffer, options?: SignOptions, base64?: boolean): Promise<ApiAnswer>;
  /** `POST /runs` with a JSON body (a string is sent as is). */
  postRun(body: unknown, options?: SignOptions): Promise<ApiAnswer>;
  executions(): Promise<ExecutionListItem[]>;
  /** A new value of the webhook secret (PutSecretValue: the old one becomes AWSPREVIOUS). */
  rotate(value: string): Promise<void>;
  stop(): Promise<void>;
}

const API_ENV = {
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  // As the CDK construct sets it by default.
  ALLOWED_LAUNCH_OVERRIDES: 'instanceType,subnetIds,securityGroupIds',
};

export async function startRunApi(): Promise<RunApi> {
  const moto = await startMoto({ env: true });
  const sfn = new SFNClient(moto.config);
  const secretsManager = new SecretsManagerClient(moto.config);
  const secret = await secretsManager.send(
    new CreateSecretCommand({ Name: 'canary-judge/webhook', SecretString: WEBHOOK_SECRET }),
  );
  const machine = await sfn.send(
    new CreateStateMachineCommand({
      name: 'canary-judge-run',
      roleArn: 'arn:aws:iam::123456789012:role/canary-judge-states',
      definition: JSON.stringify({ StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 3600, End: true } } }),
    }),
  );
  const stateMachineArn = machine.stateMachineArn!;
  const env: Record<string, string> = {
    ...API_ENV,
    WEBHOOK_SECRET_ARN: secret.ARN!,
    STATE_MACHINE_ARN: stateMachineArn,
  };
  Object.assign(process.env, env);
  // Imported only now: the handlers build their clients from the environment at load time, like a cold start.
  const webhook = (await import('../../functions/webhook/handler')).handler as unknown as ApiHandler;
  const status = (await import('../../functions/status/handler')).handler as unknown as ApiHandler;

  const call = async (handler: ApiHandler, body: string | Buffer, options: SignOptions = {}, base64 = false) => {
    const result = await handler(apiGatewayEvent(signedRequest(body, options), { base64 }), lambdaContext('test'));
    return { statusCode: result.statusCode, body: JSON.parse(result.body ?? 'null') };
  };
  return {
    moto,
    sfn,
    secretsManager,
    stateMachineArn,
    webhook,
    status,
    call,
    postRun: (body, options = {}) => call(webhook, typeof body === 'string' ? body : JSON.stringify(body), options),
    executions: async () => (await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions ?? [],
    rotate: async (value) => {
      await secretsManager.send(new PutSecretValueCommand({ SecretId: secret.ARN, SecretString: value }));
    },
    stop: async () => {
      for (const name of Object.keys(env)) delete process.env[name];
      await moto.stop();
    },
  };
}
