import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalTransaction } from '#adapters/conditional-write.js';
import { transactionConflict } from '#adapters/dynamo-batch.js';
import { batchCodec } from '#adapters/table/batch.js';
import type { BatchMessage } from '#core/dispatch/batch.js';
import { webhookTransport } from '#adapters/webhook-transport.js';
import { ensureTable } from '#local/dynamodb.js';
import { createCarrierSimulator } from '#local/simulators/index.js';
import { simulatorOptions } from './campaign.js';
import { record } from './results.js';

/**
 * The limits a dispatch is compared with, measured in the same run on the same machine (these machines are
 * shared and absolute times drift): how fast this process can hand already-built `sms.send` batches of
 * 100 to the simulators (our HTTP and signature path, nothing else running), and how fast DynamoDB Local
 * takes the dispatcher's essential writes (the conditional claim, the settle transaction) at the
 * dispatcher's concurrency. They run in the dispatch benchmark's process, on its DynamoDB Local, just
 * before the send: the same JVM, warmed the same way, and the send's own write mix divides them.
 */
export const CEILING_FIGURES = [
  'ceilings.concurrency',
  'ceilings.handover_messages_per_second',
  'ceilings.update_item_per_second',
  'ceilings.transact_write_items_per_second',
  'ceilings.batch_write_items_per_second',
];

export interface StoreCeiling {
  /** Conditional UpdateItem (the claim) per second at `concurrency` in flight. */
  updateItemPerSecond: number;
  /** TransactWriteItems (the settle: the batch and the campaign's progress counter) per second. */
  transactWriteItemsPerSecond: number;
  /** Items per second written by sequential BatchWriteItem of 25 (materialisation's kind of write). */
  batchWriteItemsPerSecond: number;
}

const MESSAGES_PER_BATCH = 100;

/** `count` tasks, `concurrency` at a time; answers the tasks per second. */
const rate = async (count: number, concurrency: number, task: (n: number) => Promise<void>) => {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
};

const phone = (n: number) => `+8498${String(n).padStart(7, '0')}`;

/** (a) Batches of 100 handed over, `concurrency` in flight over three simulators: messages per second. */
export const handoverCeiling = async ({ batches, concurrency }: { batches: number; concurrency: number }) => {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const simulators = await Promise.all(
    ['ceiling-a', 'ceiling-b', 'ceiling-c'].map((id) =>
      createCarrierSimulator({ ...simulatorOptions(id, ['*'], 1_000_000), signingSecret: secret }),
    ),
  );
  const transport = webhookTransport();
  const at = new Date().toISOString();
  const bodies = Array.from({ length: batches }, (_, seq) =>
    JSON.stringify({
      type: 'sms.send',
      timestamp: at,
      data: {
        batchId: `ceiling.${seq}`,
        campaignId: 'ceiling',
        messages: Array.from({ length: MESSAGES_PER_BATCH }, (_, index) => ({
          messageId: `ceiling.${seq}.${index}`,
          to: phone(seq * MESSAGES_PER_BATCH + index),
          senderId: 'BOCONGAN',
          text: 'Canh giac viec nhe luong cao o nuoc ngoai. Goi 111 (mien phi). https://sms.example.gov.vn/l/AbCdEf',
          encoding: 'GSM-7',
          segments: 1,
        })),
      },
    }),
  );
  try {
    const batchesPerSecond = await rate(batches, concurrency, async (seq) => {
      const simulator = simulators[seq % simulators.length];
      // A busy machine can stall a hand-over past its timeout: sent again, as the dispatcher would, its
      // time counting against the ceiling.
      for (let attempt = 1; ; attempt++) {
        const answer = await transport.send({
          url: String(simulator?.url),
          secret,
          webhookId: `ceiling.${seq}`,
          body: String(bodies[seq]),
          timeoutMs: 30_000,
        });
        if ('status' in answer && answer.status === 200) return;
        if (attempt >= 5)
          throw new Error(`the hand-over ceiling's batch ${seq} answered ${JSON.stringify(answer)}`);
      }
    });
    return batchesPerSecond * MESSAGES_PER_BATCH;
  } finally {
    for (const simulator of simulators) await simulator.close();
  }
};

/** A batch's 100 messages, in the state `state` (queued when put, pending when settled). */
const batchMessages = (seq: number, state: BatchMessage['state'], sentAt?: string): BatchMessage[] =>
  Array.from({ length: MESSAGES_PER_BATCH }, (_, index) => ({
    index,
    to: phone(seq * MESSAGES_PER_BATCH + index),
    carrier: 'viettel',
    state,
    ...(sentAt ? { sentAt } : {}),
  }));

/** A batch item as heavy for the store as the product's: its messages packed by the product's codec. */
const batchItem = (seq: number) => ({
  pk: `CEILING#batch#${seq}`,
  sk: 'batch',
  listPk: 'CEILING#queue',
  listSk: `queued#${String(seq).padStart(8, '0')}`,
  status: 'queued',
  availableAt: '2000-01-01T00:00:00.000Z',
  ver: 0,
  messages: batchCodec.messagesToItem(batchMessages(seq, 'queued')),
});

/**
 * (b) and (c): on a table of its own with the product's schema (its index and stream maintained as for
 * the real batches), `batches` batch items of 100 messages put by sequential BatchWriteItem, claimed by a
 * conditional UpdateItem each, and settled by a TransactWriteItems each (the batch, conditionally, and
 * one progress item all of them count on, as the dispatcher does), `concurrency` requests in flight.
 */
export const stateStoreCeiling = async ({
  batches,
  concurrency,
}: {
  batches: number;
  concurrency: number;
}): Promise<StoreCeiling> => {
  const raw = new DynamoDBClient({});
  const client = DynamoDBDocumentClient.from(raw);
  const table = `ceilings-${randomBytes(4).toString('hex')}`;
  try {
    await ensureTable(raw, table);
    const items = Array.from({ length: batches }, (_, seq) => batchItem(seq));
    const started = performance.now();
    for (let i = 0; i < items.length; i += 25) {
      let pending = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      while (pending.length) {
        const { UnprocessedItems } = await client.send(
          new BatchWriteCommand({ RequestItems: { [table]: pending } }),
        );
        pending = (UnprocessedItems?.[table] ?? []) as typeof pending;
      }
    }
    const batchWriteItemsPerSecond = batches / ((performance.now() - started) / 1000);

    const lease = new Date(Date.now() + 60_000).toISOString();
    const updateItemPerSecond = await rate(batches, concurrency, async (seq) => {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: `CEILING#batch#${seq}`, sk: 'batch' },
          UpdateExpression: 'SET #status = :handing, leaseUntil = :lease, listSk = :listSk, updatedAt = :now',
          ConditionExpression: '#status = :queued AND availableAt <= :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':handing': 'handing',
            ':queued': 'queued',
            ':now': new Date().toISOString(),
            ':lease': lease,
            ':listSk': `handing#${lease}#${seq}`,
          },
        }),
      );
    });

    const transactWriteItemsPerSecond = await rate(batches, concurrency, async (seq) => {
      const messages = batchCodec.messagesToItem(batchMessages(seq, 'pending', lease));
      for (let attempt = 1; ; attempt++) {
        try {
          const refused = await conditionalTransaction(client, [
            {
              Update: {
                TableName: table,
                Key: { pk: `CEILING#batch#${seq}`, sk: 'batch' },
                UpdateExpression:
                  'SET #status = :sent, messages = :messages, ver = :next, settledAt = :now REMOVE listPk, listSk, leaseUntil',
                ConditionExpression: '#status = :handing AND leaseUntil = :lease AND ver = :ver',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':sent': 'sent',
                  ':handing': 'handing',
                  ':messages': messages,
                  ':lease': lease,
                  ':ver': 0,
                  ':next': 1,
                  ':now': new Date().toISOString(),
                },
              },
            },
            {
              Update: {
                TableName: table,
                Key: { pk: 'CEILING#progress', sk: 'progress' },
                UpdateExpression: 'ADD settledBatches :one',
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ]);
          if (refused.includes(true))
            throw new Error(`the ceiling's batch ${seq} refused its settle (not handing under this lease)`);
          return;
        } catch (error) {
          // Two settles on the progress item at once: DynamoDB refuses one, the dispatcher's SDK retries it.
          if (transactionConflict(error) && attempt < 20) continue;
          throw error;
        }
      }
    });
    return { updateItemPerSecond, transactWriteItemsPerSecond, batchWriteItemsPerSecond };
  } finally {
    client.destroy();
  }
};

/**
 * What the store can carry in messages per second given a send's write mix: each request kind takes its
 * share of the store's time (requests per message ÷ that kind's rate); puts and deletes count as updates,
 * a BatchWriteItem as 25 items at the batch rate.
 */
export const stateStoreMessagesPerSecond = (
  ceiling: StoreCeiling,
  requestsPerMessage: Record<string, number>,
): number => {
  const secondsPerRequest: Record<string, number> = {
    UpdateItem: 1 / ceiling.updateItemPerSecond,
    PutItem: 1 / ceiling.updateItemPerSecond,
    DeleteItem: 1 / ceiling.updateItemPerSecond,
    TransactWriteItems: 1 / ceiling.transactWriteItemsPerSecond,
    BatchWriteItem: 25 / ceiling.batchWriteItemsPerSecond,
  };
  const seconds = Object.entries(requestsPerMessage).reduce(
    (sum, [operation, perMessage]) => sum + perMessage * (secondsPerRequest[operation] ?? 0),
    0,
  );
  return 1 / seconds;
};

/** Both ceilings, printed and recorded under `ceilings.*`. */
export const measureCeilings = async ({ batches, concurrency }: { batches: number; concurrency: number }) => {
  const handover = await handoverCeiling({ batches, concurrency });
  const store = await stateStoreCeiling({ batches, concurrency });
  const number = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(
    `\nCeilings (${batches} batches of 100, ${concurrency} requests in flight, this process alone)`,
  );
  console.log(`  hand-over (HTTP + signature, to simulators)   ${number(handover)} messages/s`);
  console.log(`  conditional UpdateItem (claim)                ${number(store.updateItemPerSecond)}/s`);
  console.log(
    `  TransactWriteItems (settle + progress)        ${number(store.transactWriteItemsPerSecond)}/s`,
  );
  console.log(
    `  BatchWriteItem, sequential                    ${number(store.batchWriteItemsPerSecond)} items/s`,
  );
  record('ceilings.concurrency', concurrency, 'requests');
  record('ceilings.handover_messages_per_second', Math.round(handover), 'msg/s');
  record('ceilings.update_item_per_second', Math.round(store.updateItemPerSecond), 'req/s');
  record('ceilings.transact_write_items_per_second', Math.round(store.transactWriteItemsPerSecond), 'req/s');
  record('ceilings.batch_write_items_per_second', Math.round(store.batchWriteItemsPerSecond), 'items/s');
  return { handover, store };
};
