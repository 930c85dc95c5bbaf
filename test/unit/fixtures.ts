import type { AudienceMember } from '#core/audience.js';
import type { Campaign } from '#core/campaign.js';
import type { Batch, BatchMessage } from '#core/dispatch/batch.js';
import { mayTakeLease } from '#core/dispatch/materialize-lease.js';
import {
  materializeCampaign,
  type MaterializeDeps,
  type Progress,
  type ProgressStore,
  type SuppressedRecipient,
} from '#core/dispatch/materialize.js';
import type { BatchStore } from '#core/dispatch/ports.js';
import type { Partner, PartnerView } from '#core/partner.js';
import type { ApiEvent } from '#http/api.js';
import { defineRoute } from '#http/route.js';

/** An enabled webhook partner of `carriers` (Viettel unless said), free, 100 TPS, created on 1 January 2027. */
export const partnerView = (
  id: string,
  carriers: PartnerView['carriers'] = ['viettel'],
  extra: Partial<PartnerView> = {},
): PartnerView => ({
  id,
  name: id,
  kind: 'webhook',
  webhookUrl: `https://${id}.example/sms`,
  carriers,
  tps: 100,
  maxBatchSize: 100,
  senderId: 'BOCONGAN',
  pricePerSegment: 0,
  currency: 'VND',
  enabled: true,
  createdAt: '2027-01-01T00:00:00.000Z',
  updatedAt: '2027-01-01T00:00:00.000Z',
  secretRotatedAt: '2027-01-01T00:00:00.000Z',
  ...extra,
});

/** When the unit tests' campaigns send: 30 July 2027, 08:00 in Hà Nội. */
export const SEND_AT = '2027-07-30T01:00:00.000Z';

/** A queued batch of campaign c1 for partner p1 (its only route), made and due at SEND_AT. */
export const queuedBatch = (messages: BatchMessage[], extra: Partial<Batch> = {}): Batch => ({
  campaignId: 'c1',
  seq: 0,
  partnerId: 'p1',
  routes: ['p1'],
  status: 'queued',
  attempt: 0,
  availableAt: SEND_AT,
  messages,
  createdAt: SEND_AT,
  updatedAt: SEND_AT,
  ...extra,
});

/** A campaign that is sending, all day (no sending window), one UCS-2 segment a message. */
export const sendingCampaign = (extra: Partial<Campaign> = {}): Campaign =>
  ({
    id: 'c1',
    name: '30/7',
    message: 'Gọi 111.',
    status: 'sending',
    sendingWindow: null,
    timeZone: 'Asia/Ho_Chi_Minh',
    estimate: { encoding: 'UCS-2', segmentsPerMessage: 1 },
    ...extra,
  }) as Campaign;

/** The least campaign body CampaignInput takes: a name, a message, one audience, sent once approved. */
export const campaignBody = {
  name: 'x',
  message: 'Gọi 111',
  audienceIds: ['a1'],
  schedule: { asap: true },
};

/** The same partner as stored, with one signing secret. */
export const storedPartner = (id: string, extra: Partial<Partner> = {}): Partner => ({
  ...partnerView(id),
  secrets: [{ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }],
  ...extra,
});

/** A campaign's progress before anything is materialised. */
export const zeroProgress: Progress = {
  materialized: false,
  totalBatches: 0,
  settledBatches: 0,
  suppressed: 0,
  capped: 0,
  unroutable: 0,
};

/** An in-memory progress item with the DynamoDB store's conditions (the lease rules of materialize-lease.ts). */
export const memoryProgress = (
  state: { progress?: Progress } = {},
): ProgressStore & { state: typeof state } => ({
  state,
  get: () => Promise.resolve(state.progress && structuredClone(state.progress)),
  claimLease: (_id, lease, now) => {
    if (state.progress?.materialized || !mayTakeLease(state.progress?.lease, lease.owner, now))
      return Promise.resolve(false);
    state.progress = { ...(state.progress ?? zeroProgress), lease };
    return Promise.resolve(true);
  },
  renewLease: (_id, lease) => {
    if (state.progress?.materialized || state.progress?.lease?.owner !== lease.owner)
      return Promise.resolve(false);
    state.progress = { ...state.progress, lease };
    return Promise.resolve(true);
  },
  finish: (_id, totals, owner) => {
    if (state.progress?.materialized || (owner && state.progress?.lease?.owner !== owner))
      return Promise.resolve(false);
    state.progress = {
      ...totals,
      materialized: true,
      settledBatches: (state.progress?.settledBatches ?? 0) + totals.settledBatches,
    };
    return Promise.resolve(true);
  },
});

/**
 * The batches a materialisation writes, kept in memory: `written` is what an earlier run left in the table
 * (what `listBatches` reads back); new batches are only ever added, stopping at a taken number as the table
 * does. Claims and settles are not the materialiser's business and find nothing.
 */
const memoryBatches = (
  written: readonly Batch[],
  onWritten: (batches: readonly Batch[]) => void = () => undefined,
): { batches: Batch[]; store: BatchStore } => {
  const batches = [...written];
  const store: BatchStore = {
    putBatches: (list) => {
      batches.push(...list);
      onWritten(list);
      return Promise.resolve();
    },
    putNewBatches: (list) => {
      const taken = list.findIndex((b) => batches.some((other) => other.seq === b.seq));
      const fresh = taken < 0 ? list : list.slice(0, taken);
      batches.push(...fresh);
      onWritten(fresh);
      return Promise.resolve(fresh.length);
    },
    get: () => Promise.resolve(undefined),
    claim: () => Promise.resolve(undefined),
    settle: () => Promise.resolve(true),
    release: () => Promise.resolve(true),
    due: () => Promise.resolve([]),
    listBatches: async function* () {
      yield [...written];
    },
  };
  return { batches, store };
};

export interface MaterializeRunOptions {
  /** The members of each of the campaign's audiences. */
  members: (audienceId: string) => readonly AudienceMember[];
  partners: readonly PartnerView[];
  optedOut?: Iterable<string>;
  /** What an interrupted run had already put in the table. */
  written?: readonly Batch[];
  progress?: ProgressStore;
  now?: () => Date;
  owner?: string;
  indexRecipients?: MaterializeDeps['indexRecipients'];
  heartbeat?: MaterializeDeps['heartbeat'];
  /** Told of the batches as they are written: from then on a consumer may claim them. */
  onWritten?: (batches: readonly Batch[]) => void;
  /** Members per chunk the audience store yields (default: all in one). */
  chunkSize?: number;
  nextTurn?: MaterializeDeps['nextTurn'];
}

/** One materialisation run of `campaign` in memory: no cap, no ported numbers, no links to shorten. */
export const materializeRun = async (
  campaign: Campaign,
  {
    members,
    partners,
    optedOut = [],
    written = [],
    progress = memoryProgress(),
    now = () => new Date('2027-07-30T01:00:00Z'),
    owner = 'run-1',
    indexRecipients = () => Promise.resolve(),
    heartbeat,
    onWritten,
    chunkSize = Infinity,
    nextTurn,
  }: MaterializeRunOptions,
) => {
  const { batches, store } = memoryBatches(written, onWritten);
  const suppressed: SuppressedRecipient[] = [];
  const result = await materializeCampaign(
    {
      audiences: {
        getAudience: () => Promise.resolve(undefined),
        members: async function* (id) {
          const all = members(id);
          for (let from = 0; from < all.length; from += chunkSize) yield all.slice(from, from + chunkSize);
        },
      },
      batches: store,
      queue: { enqueue: () => Promise.resolve() },
      progress,
      optedOut: () => Promise.resolve(new Set(optedOut)),
      cappedPhones: () => Promise.resolve(new Set()),
      partners: () => Promise.resolve([...partners]),
      shortCodes: () => Promise.resolve((seq) => `code${seq}`),
      aggregateCode: () => Promise.resolve('aggregate0zzzz'),
      hasLink: () => false,
      portedCarriers: () => Promise.resolve(new Map()),
      indexRecipients,
      recordSuppressed: (_id, list) => {
        suppressed.splice(0, suppressed.length, ...list);
        return Promise.resolve();
      },
      now,
      leaseMs: 60_000,
      ...(heartbeat ? { heartbeat } : {}),
      ...(nextTurn ? { nextTurn } : {}),
      newLeaseOwner: () => owner,
    },
    campaign,
  );
  return { result, batches, suppressed };
};

/** An HTTP API (payload 2.0) event for `GET path`, as API Gateway hands it to a route's Lambda. */
export const apiGatewayGet = (path: string, headers: Record<string, string> = {}): ApiEvent => ({
  version: '2.0',
  routeKey: `GET ${path}`,
  rawPath: path,
  rawQueryString: '',
  headers,
  isBase64Encoded: false,
  requestContext: {
    accountId: 'local',
    apiId: 'local',
    domainName: 'localhost',
    domainPrefix: 'localhost',
    http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
    requestId: 'r1',
    routeKey: `GET ${path}`,
    stage: '$default',
    time: '01/Dec/2026:00:00:00 +0000',
    timeEpoch: 0,
  },
});

/** A public GET route of the unit tests (no table, no Lambda of its own): `id` names it, `path` is where it answers. */
export const testRoute = (id: string, path: string) =>
  defineRoute({
    id,
    method: 'GET',
    path,
    entry: 'test/unit/fixtures.ts',
    summary: 'A route of the unit tests',
    tag: 'Test',
    auth: 'public',
    table: 'none',
    responses: { 200: { description: 'ok' } },
  });
