import { API_ENV } from '../../shared/webhook/serve';

/**
 * Environment variables the construct sets and the functions read. The workflow's names are the ones
 * shared/adapters.ts and functions/common/task-handler.ts read; test/integration/infra checks that the
 * synthesized environment builds the AWS adapters.
 */
export const FUNCTION_ENV = {
  ...API_ENV,
  reportsBucket: 'REPORTS_BUCKET',
  eventBusName: 'EVENT_BUS_NAME',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
} as const;
