import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { ImportJobStarter } from '#core/import-job.js';
import { traced } from './tracer.js';

/**
 * The import-job Lambda invoked asynchronously (`Event`): Lambda queues the invocation, retries it twice
 * when it fails and then hands it to the function's dead-letter queue (lib/import-jobs.ts).
 */
export const lambdaImportJobStarter = (client: LambdaClient, functionName: string): ImportJobStarter => ({
  async start({ audienceId, importId }) {
    const { StatusCode } = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify({ audienceId, importId })),
      }),
    );
    if (StatusCode !== 202) throw new Error(`Lambda did not queue the import job (status ${StatusCode})`);
  },
});

/** Locally the running job's item is the queue (local/import-jobs.ts runs it): nothing to invoke. */
export const tableImportJobStarter: ImportJobStarter = { start: async () => undefined };

let lambda: LambdaClient | undefined;
export const lambdaClient = () => (lambda ??= traced(new LambdaClient({})));
