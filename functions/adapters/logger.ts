import { Logger } from '@aws-lambda-powertools/logger';
import { readObservabilityConfig } from './config.js';

/**
 * One structured JSON logger per container (Powertools). Each handler's middy chain gives every invocation
 * its own keys (`injectLambdaContext` with `clearState`); the local runtime runs many invocations in one
 * process and scopes them per invocation (local/invoke.ts). Secrets and phone numbers are never logged.
 */
const { POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL } = readObservabilityConfig();

export const logger = new Logger({ serviceName: POWERTOOLS_SERVICE_NAME, logLevel: POWERTOOLS_LOG_LEVEL });
