import { Logger } from '@aws-lambda-powertools/logger';
import { SERVICE_NAME } from './service-name.js';

/**
 * One structured JSON logger per container (Powertools). Each handler's middy chain gives every invocation
 * its own keys (`injectLambdaContext` with `clearState`); the local runtime runs many invocations in one
 * process and scopes them per invocation (local/invoke.ts). Secrets and phone numbers are never logged.
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME,
  logLevel:
    (process.env.POWERTOOLS_LOG_LEVEL as 'INFO' | 'DEBUG' | 'WARN' | 'ERROR' | 'SILENT' | undefined) ??
    'INFO',
});
