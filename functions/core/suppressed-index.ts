import { bucketOf } from './webhooks/recipients.js';

/** Suppressed recipients per suppressed-index item: ten chunks of 1,000 (one bucket's entries < 400 KB). */
export const SUPPRESSED_CHUNKS_PER_INDEX_ITEM = 10;

/**
 * The suppressed index of a campaign's suppressed chunks: per last-2-digits bucket and group of
 * `SUPPRESSED_CHUNKS_PER_INDEX_ITEM` chunks, the `phone:chunk` entries.
 */
export const suppressedIndexOfChunks = (
  chunks: readonly { chunk: number; recipients: readonly { to: string }[] }[],
): { bucket: string; firstChunk: number; entries: string[] }[] => {
  const items = new Map<string, { bucket: string; firstChunk: number; entries: string[] }>();
  for (const { chunk, recipients } of chunks) {
    const firstChunk = chunk - (chunk % SUPPRESSED_CHUNKS_PER_INDEX_ITEM);
    for (const { to } of recipients) {
      const bucket = bucketOf(to);
      const key = `${bucket}#${firstChunk}`;
      const item = items.get(key) ?? { bucket, firstChunk, entries: [] };
      item.entries.push(`${to}:${chunk}`);
      items.set(key, item);
    }
  }
  return [...items.values()];
};

/** The suppressed index of a suppressed list about to be stored, `chunkSize` recipients a chunk. */
export const suppressedIndexEntries = (recipients: readonly { to: string }[], chunkSize: number) =>
  suppressedIndexOfChunks(
    Array.from({ length: Math.ceil(recipients.length / chunkSize) }, (_, chunk) => ({
      chunk,
      recipients: recipients.slice(chunk * chunkSize, (chunk + 1) * chunkSize),
    })),
  );
