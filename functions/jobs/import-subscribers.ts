import * as z from 'zod';
import { importJobDeps } from '#adapters/deps.js';
import { lambdaChain } from '#adapters/lambda-chain.js';
import { logger } from '#adapters/logger.js';
import { runImportJob } from '#core/import-job.js';
import { rowsOfUploadedFile } from '#http/import-file.js';

const deps = importJobDeps(rowsOfUploadedFile);
export const ImportJobEvent = z.object({ audienceId: z.string().min(1), importId: z.string().min(1) });

/**
 * The import-job Lambda (issue #17), invoked asynchronously by the import of an upload: runs the job from
 * its committed cursor to the end. A thrown error is retried by Lambda (twice, then the dead-letter queue);
 * each retry carries on where the last committed step left off.
 */
export const handler = lambdaChain().handler(async (event: unknown) => {
  const ref = ImportJobEvent.parse(event);
  logger.appendKeys(ref);
  const outcome = await runImportJob(deps, ref);
  logger.info('Import job run', { outcome });
  return { outcome };
});
