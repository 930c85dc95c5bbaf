import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { sendingDeps } from '#adapters/dispatch-deps.js';
import { logger } from '#adapters/logger.js';
import { dispatchBatch } from '#core/dispatch/dispatcher.js';
import { lambdaChain } from '#adapters/lambda-chain.js';

const deps = sendingDeps();
/** The SNS notification body, delivered raw to the partner's queue. */
const BatchNotice = z.object({ campaignId: z.string().min(1), seq: z.int().min(0) });

/** One partner's queue consumer: hands each noticed batch over; failures go back to SQS, then to the DLQ. */
export const handler = lambdaChain<SQSEvent, SQSBatchResponse>().handler(async (event) => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  await Promise.all(
    event.Records.map(async (record) => {
      try {
        const ref = BatchNotice.parse(JSON.parse(record.body));
        const outcome = await dispatchBatch(deps.dispatch, ref);
        logger.debug('Batch dispatched', { ...ref, outcome });
      } catch (error) {
        logger.error('Batch dispatch failed', { messageId: record.messageId, error: error as Error });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }),
  );
  return { batchItemFailures };
});
