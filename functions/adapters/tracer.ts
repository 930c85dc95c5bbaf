import { Tracer } from '@aws-lambda-powertools/tracer';
import { readObservabilityConfig } from './config.js';

/**
 * One X-Ray tracer per container (Powertools). It traces only inside Lambda with active tracing: outside
 * (the local runtime, the tests) `AWS_EXECUTION_ENV` is unset and Powertools turns it off, as it does for
 * `POWERTOOLS_TRACE_ENABLED=false`. Outgoing HTTPS (partners' webhooks) is traced by host and status.
 */
export const tracer = new Tracer({ serviceName: readObservabilityConfig().POWERTOOLS_SERVICE_NAME });

/** An AWS SDK v3 client whose calls become X-Ray subsegments; call once per client per container. */
export const traced = <T>(client: T): T => tracer.captureAWSv3Client(client);
