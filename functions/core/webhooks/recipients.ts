import type { Batch } from '#core/dispatch/batch.js';
import type { BatchRef } from '#core/dispatch/ports.js';

/**
 * The recipient index: which batch of a campaign holds a phone, so a reply finds the campaign it answers
 * without reading the campaign's batches. Phones are bucketed by their last two digits, one index item
 * per bucket and slice of batches; an entry is `phone:seq`.
 */

export const bucketOf = (phone: string) => phone.slice(-2);

/** Bucket (last two digits) → `phone:seq` entries of these batches. */
export const recipientBuckets = (
  batches: readonly Pick<Batch, 'seq' | 'messages'>[],
): Map<string, string[]> => {
  const buckets = new Map<string, string[]>();
  for (const batch of batches) {
    for (const message of batch.messages) {
      const bucket = bucketOf(message.to);
      const list = buckets.get(bucket) ?? [];
      list.push(`${message.to}:${batch.seq}`);
      buckets.set(bucket, list);
    }
  }
  return buckets;
};

/** The batches of one index item that hold `phone`. */
export const batchesHolding = (campaignId: string, entries: readonly string[], phone: string): BatchRef[] => {
  const prefix = `${phone}:`;
  return entries
    .filter((entry) => entry.startsWith(prefix))
    .map((entry) => ({ campaignId, seq: Number(entry.slice(prefix.length)) }));
};
