import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

/**
 * The run API (HTTP API): `POST /runs`, `GET /runs/{id}`, `POST /runs/{id}/approve|reject`. Callers are
 * authenticated by the functions (HMAC signature of the request), so the routes need no authorizer;
 * the stage throttles so that unsigned floods stay cheap.
 */

export interface RunApiProps {
  apiName: string;
  webhook: IFunction;
  status: IFunction;
  logRetention: RetentionDays;
  /** Requests per second over all routes; default 10 (a run is started a few times a day). */
  rateLimit?: number;
  burstLimit?: number;
}

export class RunApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** `https://<id>.execute-api.<region>.amazonaws.com` (no trailing slash). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: RunApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      apiName: props.apiName,
      description: 'canary-judge: start runs from CI, follow them, approve or reject promotion',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 10, burstLimit: props.burstLimit ?? 20 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    this.url = `https://${this.api.apiId}.execute-api.${this.api.stack.region}.${this.api.stack.urlSuffix}`;

    const webhook = new HttpLambdaIntegration('Webhook', props.webhook);
    const status = new HttpLambdaIntegration('Status', props.status);
    const routes = [
      ...this.api.addRoutes({ path: '/runs', methods: [HttpMethod.POST], integration: webhook }),
      ...this.api.addRoutes({ path: '/runs/{id}/approve', methods: [HttpMethod.POST], integration: webhook }),
      ...this.api.addRoutes({ path: '/runs/{id}/reject', methods: [HttpMethod.POST], integration: webhook }),
      ...this.api.addRoutes({ path: '/runs/{id}', methods: [HttpMethod.GET], integration: status }),
    ];
    for (const route of routes) {
      acknowledge(
        route,
        'AwsSolutions-APIG4',
        'every route is authenticated by the function: HMAC-SHA256 signature over timestamp, delivery id, method, path and body',
      );
    }
  }
}
