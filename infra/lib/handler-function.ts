import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import path from 'node:path';
import { FUNCTION_ENV } from './function-env';
import { acknowledge } from './nag';

/**
 * One Lambda function per handler in functions/<name>/handler.ts, all alike: Node.js 22 on arm64,
 * bundled by the local esbuild (no Docker), the AWS SDK v3 taken from the runtime, X-Ray on, Powertools
 * logger configured through the environment, a log group of its own with a retention.
 */

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface HandlerFunctionProps {
  /** Folder under functions/. */
  name: string;
  description: string;
  timeout: Duration;
  memorySize?: number;
  environment?: Record<string, string>;
  logLevel: string;
  logRetention: RetentionDays;
}

export function handlerEntry(name: string): string {
  return path.join(REPO_ROOT, 'functions', name, 'handler.ts');
}

export class HandlerFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Our own role: writes to its own log group only, instead of the AWSLambdaBasicExecutionRole managed
    // policy (logs on every log group of the account).
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `canary-judge ${props.name} function`,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      role,
      entry: handlerEntry(props.name),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      logGroup,
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      environment: {
        [FUNCTION_ENV.serviceName]: 'canary-judge',
        // Powertools reads POWERTOOLS_LOG_LEVEL (and LOG_LEVEL, its older name).
        [FUNCTION_ENV.logLevel]: props.logLevel,
        LOG_LEVEL: props.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        externalModules: ['@aws-sdk/*'],
        format: OutputFormat.CJS,
        target: 'node22',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        forceDockerBundling: false,
        logLevel: LogLevel.WARNING,
      },
    });
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) support no resource-level permissions',
    );
    acknowledge(
      this,
      'AwsSolutions-L1',
      'Node.js 22 is the runtime the handlers are built for and tested with (esbuild target node22)',
    );
  }
}
