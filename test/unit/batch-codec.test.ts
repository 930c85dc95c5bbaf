import { gunzipSync, gzipSync } from 'node:zlib';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { changeOf } from '#adapters/metric-changes.js';
import { batchCodec, rateLogCodec } from '#adapters/table/batch.js';
import { StoredItemError, type Item } from '#adapters/table/codec.js';
import type { Batch, BatchMessage } from '#core/dispatch/batch.js';
import { toLambdaRecord } from '#local/streams.js';

const AT = '2027-07-30T01:05:00.000Z';

const messages: BatchMessage[] = [
  { index: 0, to: '+84981000001', carrier: 'viettel', province: 'Bắc Kạn', state: 'queued' },
  {
    index: 1,
    to: '+84901000002',
    carrier: 'mobifone',
    code: 'aB3x9Q',
    lang: 'hmn',
    values: { ten: 'Mai' },
    segments: 2,
    state: 'delivered',
    at: AT,
    sentAt: AT,
  },
  { index: 2, to: '+84911000003', carrier: 'vinaphone', state: 'failed', reason: 'rejected', at: AT },
];

const batch: Batch = {
  campaignId: 'c1',
  seq: 7,
  partnerId: 'p1',
  routes: ['p1', 'p2'],
  status: 'handing',
  attempt: 1,
  handedTo: ['p1'],
  availableAt: AT,
  leaseUntil: AT,
  messages,
  treatment: 'A',
  ver: 3,
  createdAt: AT,
  updatedAt: AT,
};

/** The stored messages inside a packed attribute, as JSON (what the codec writes, read without it). */
const unpacked = (packed: unknown): unknown => {
  if (!(packed instanceof Uint8Array)) throw new Error(`not packed: ${typeof packed}`);
  return JSON.parse(gunzipSync(packed).toString('utf8'));
};

/** The same messages as items written before packing held them: a list of maps with the short names. */
const listForm = [
  { i: 0, to: '+84981000001', carrier: 'viettel', province: 'Bắc Kạn', st: 'queued' },
  {
    i: 1,
    to: '+84901000002',
    carrier: 'mobifone',
    code: 'aB3x9Q',
    lg: 'hmn',
    v: { ten: 'Mai' },
    sg: 2,
    st: 'delivered',
    at: AT,
    sa: AT,
  },
  { i: 2, to: '+84911000003', carrier: 'vinaphone', st: 'failed', reason: 'rejected', at: AT },
];

/** The INSERT stream record of `item` as the local stream reader hands it over: Binary values as bytes. */
const insertedLocally = (item: Item): DynamoDBRecord =>
  toLambdaRecord(
    {
      eventID: 'e1',
      eventName: 'INSERT',
      dynamodb: { NewImage: marshall(item, { removeUndefinedValues: true }) },
    },
    'arn:local',
  );

/** The same record as Lambda's JSON event carries it: Binary values base64-encoded. */
const insertedInLambda = (item: Item): DynamoDBRecord =>
  JSON.parse(
    JSON.stringify(insertedLocally(item), function (this: Record<string, unknown>, key, value: unknown) {
      const raw = this[key];
      return raw instanceof Uint8Array ? Buffer.from(raw).toString('base64') : value;
    }),
  );

describe('the batch codec', () => {
  it('packs the messages in one gzipped Binary attribute, with the short names, and reads them back', () => {
    const item = batchCodec.toItem(batch);
    expect(item.messages).toBeInstanceOf(Uint8Array);
    expect(unpacked(item.messages)).toEqual(listForm);
    expect(batchCodec.fromItem(item)).toEqual(batch);
    // As the document client writes it and reads it back: the bytes come back a Uint8Array.
    expect(batchCodec.fromItem(unmarshall(marshall(item, { removeUndefinedValues: true })))).toEqual(batch);
  });

  it('decodes a batch written before packing (messages as a list of maps)', () => {
    const item = { ...batchCodec.toItem(batch), messages: listForm };
    expect(batchCodec.fromItem(item)).toEqual(batch);
    expect(batchCodec.messagesFromItem({ messages: listForm, treatment: 'A' })).toEqual({
      messages,
      treatment: 'A',
      test: false,
    });
  });

  it('packs messages for an update that sets them, read back by the projection of messages', () => {
    const packed = batchCodec.messagesToItem(messages);
    expect(unpacked(packed)).toEqual(listForm);
    expect(batchCodec.messagesFromItem({ messages: packed, test: true })).toEqual({ messages, test: true });
    expect(batchCodec.messagesFromItem({})).toEqual({ messages: [], test: false });
  });

  it('validates what it unpacks, and names the batch it cannot read', () => {
    const item = batchCodec.toItem(batch);
    const wrongState = gzipSync(JSON.stringify([{ ...listForm[0], st: 'lost' }]));
    expect(() => batchCodec.fromItem({ ...item, messages: wrongState })).toThrow(StoredItemError);
    expect(() => batchCodec.fromItem({ ...item, messages: Buffer.from('not gzip') })).toThrow(
      /CAMPAIGN#c1 \/ BATCH#000000007/,
    );
    expect(() => batchCodec.fromItem({ ...item, messages: gzipSync('{"i":') })).toThrow(StoredItemError);
  });

  it('reads stream images both as the local stream reader hands them (bytes) and as Lambda does (base64)', () => {
    const item = batchCodec.toItem(batch);
    const local = insertedLocally(item);
    expect(local.dynamodb?.NewImage?.messages?.B).toBeInstanceOf(Uint8Array);
    expect(changeOf(local)).toEqual({ id: 'e1', event: 'INSERT', kind: 'batch', after: batch });
    const lambda = insertedInLambda(item);
    expect(lambda.dynamodb?.NewImage?.messages?.B).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(changeOf(lambda)).toEqual({ id: 'e1', event: 'INSERT', kind: 'batch', after: batch });
    const old = insertedInLambda({ ...item, messages: listForm });
    expect(changeOf(old)).toEqual({ id: 'e1', event: 'INSERT', kind: 'batch', after: batch });
  });

  it('keeps a batch of 1,000 messages far below the 400 KB item limit', () => {
    const full = Array.from({ length: 1000 }, (_, index): BatchMessage => ({
      index,
      to: `+8498${String((index * 7_919_113) % 10_000_000).padStart(7, '0')}`,
      carrier: 'viettel',
      province: 'Thành phố Hồ Chí Minh',
      code: `c${(index * 48_271).toString(36)}`,
      values: { ten: `Người nhận ${index}` },
      state: 'delivered',
      at: AT,
      sentAt: AT,
    }));
    const packed = batchCodec.messagesToItem(full);
    const listBytes = Buffer.byteLength(JSON.stringify(full));
    expect(packed.byteLength).toBeLessThan(listBytes / 4);
    expect(packed.byteLength).toBeLessThan(100_000);
    expect(batchCodec.messagesFromItem({ messages: packed }).messages).toEqual(full);
  });
});

describe("a partner's pacing item", () => {
  it('keeps the log and the even schedule, and reads an item written before the schedule', () => {
    const keepUntil = new Date('2027-07-30T02:00:00.000Z');
    const item = rateLogCodec.toItem(
      'p1',
      {
        log: [
          [1000, 100],
          [1102, 50],
        ],
        dueAt: 1153,
      },
      7,
      keepUntil,
    );
    expect(item).toMatchObject({ pk: 'RATE#p1', sk: 'WINDOW', log: [1000, 100, 1102, 50], ver: 7 });
    expect(rateLogCodec.fromItem(item)).toEqual({
      log: [
        [1000, 100],
        [1102, 50],
      ],
      dueAt: 1153,
      ver: 7,
    });
    expect(rateLogCodec.fromItem({ pk: 'RATE#p1', sk: 'WINDOW', log: [1000, 100], ver: 3 })).toEqual({
      log: [[1000, 100]],
      ver: 3,
    });
    expect(() => rateLogCodec.fromItem({ pk: 'RATE#p1', sk: 'WINDOW', log: ['soon'], ver: 1 })).toThrow(
      StoredItemError,
    );
  });
});
