import type { SQSEvent } from 'aws-lambda';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, expect, it, vi } from 'vitest';
import { lambdaChain } from '#adapters/lambda-chain.js';
import { logger } from '#adapters/logger.js';
import { consumeNotice } from '#local/dispatcher.js';

afterEach(() => vi.restoreAllMocks());

it('keeps a consumer’s slot until its work has ended, though it ran past its deadline', async () => {
  let release = () => {};
  const gate = new Promise<void>((done) => (release = done));
  let workEnded = false;
  // The consumer Lambda's own chain: middy answers at the deadline, whatever the handler is still doing.
  const consumer = lambdaChain<SQSEvent, unknown>().handler(async () => {
    await gate;
    workEnded = true;
    return { batchItemFailures: [] };
  });
  const deadlinePassed = new Promise<void>((done) =>
    vi.spyOn(logger, 'error').mockImplementation(() => done()),
  );
  let slotFreed = false;
  const slot = consumeNotice(consumer, { campaignId: 'c1', seq: 0 }, 'p1', 1).finally(
    () => (slotFreed = true),
  );

  await deadlinePassed;
  await nextTurn();
  expect(slotFreed).toBe(false);
  release();
  await slot;
  expect(workEnded).toBe(true);
});
