import { setTimeout as sleep } from 'node:timers/promises';
import { dynamoBatchStore } from '#adapters/batch-store.js';
import { dynamoDocumentClient, tableName } from '#adapters/clients.js';
import type { z } from 'zod';
import type { CampaignFilters } from '#core/audience-filters.js';
import type { Batch } from '#core/dispatch/batch.js';
import type { TestApi } from './api.js';
import { send, type AnswerBody } from './typed-api.js';

type Api = Pick<TestApi, 'sendRaw'>;
/** A campaign as the API shows it. */
export type CampaignView = AnswerBody<'getCampaign', 200>;

/** Mobile prefixes (after +84) of the carriers the dispatch tests use; see functions/core/carrier-prefixes.ts. */
export const PREFIX = { viettel: '98', vinaphone: '91', mobifone: '90', vietnamobile: '92' } as const;

/** A distinct E.164 phone of the carrier for each `n` below 10,000,000. */
export const phone = (carrier: keyof typeof PREFIX, n: number): string =>
  `+84${PREFIX[carrier]}${String(n).padStart(7, '0')}`;

export interface Subscriber {
  phone: string;
  province?: string;
}

/** `count` subscribers of the carrier, their phones numbered from `from` (see `phone`), in `province` if given. */
export const subscribers = (
  carrier: keyof typeof PREFIX,
  from: number,
  count: number,
  province?: string,
): Subscriber[] =>
  Array.from({ length: count }, (_, i) => ({
    phone: phone(carrier, from + i),
    ...(province ? { province } : {}),
  }));

/** An audience with these subscribers, imported through the API (JSON, up to 100,000 a request). */
export const createAudience = async (api: Api, name: string, subscribers: Subscriber[]): Promise<string> => {
  const created = await send(api, 'createAudience', { as: 'officer', json: { name } });
  if (created.status !== 201) throw new Error(`audience: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id;
  const imported = await send(api, 'importSubscribers', {
    params: { audienceId: id },
    as: 'officer',
    json: { subscribers },
  });
  if (imported.status !== 200 || imported.body.rejectedCount !== 0)
    throw new Error(`import: ${imported.status} ${JSON.stringify(imported.body).slice(0, 500)}`);
  return id;
};

export interface LaunchOptions {
  audienceIds: string[];
  partnerIds: string[];
  /** As a campaign body takes them (functions/core/audience-filters.ts). */
  filters?: z.input<typeof CampaignFilters>;
  message?: string;
  /** Absent: the product's default (aggregate). */
  clickTracking?: 'recipient' | 'aggregate' | 'off';
}

/**
 * Creates, submits and approves an `asap` campaign, so it starts sending at once; no
 * sending window, so the time of day the test runs at does not matter. Answers the campaign as approved.
 */
export const launchCampaign = async (api: Api, options: LaunchOptions): Promise<CampaignView> => {
  const created = await send(api, 'createCampaign', {
    as: 'officer',
    json: {
      name: 'Ngày toàn dân phòng, chống mua bán người',
      message: options.message ?? 'Canh giac voi loi moi viec nhe luong cao o nuoc ngoai. Goi 111 mien phi.',
      audienceIds: options.audienceIds,
      ...(options.filters ? { filters: options.filters } : {}),
      ...(options.clickTracking ? { clickTracking: options.clickTracking } : {}),
      partnerIds: options.partnerIds,
      schedule: { asap: true },
      sendingWindow: null,
    },
  });
  if (created.status !== 201) throw new Error(`campaign: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id;
  const submitted = await send(api, 'transitionCampaign', {
    params: { campaignId: id, action: 'submit' },
    as: 'officer',
  });
  if (submitted.status !== 200)
    throw new Error(`submit: ${submitted.status} ${JSON.stringify(submitted.body)}`);
  const approved = await send(api, 'transitionCampaign', {
    params: { campaignId: id, action: 'approve' },
    as: 'approver',
  });
  if (approved.status !== 200)
    throw new Error(`approve: ${approved.status} ${JSON.stringify(approved.body)}`);
  return approved.body;
};

/** An audience `name` of `subscribers` and a campaign to it, launched as launchCampaign does. */
export const launchCampaignTo = async (
  api: Api,
  name: string,
  subscribers: Subscriber[],
  options: Omit<LaunchOptions, 'audienceIds'>,
): Promise<CampaignView> =>
  launchCampaign(api, { ...options, audienceIds: [await createAudience(api, name, subscribers)] });

export const campaignStatus = async (api: Api, id: string): Promise<string> => {
  const { status, body } = await send(api, 'getCampaign', { params: { campaignId: id }, as: 'planner' });
  if (status !== 200) throw new Error(`GET campaign: ${status} ${JSON.stringify(body)}`);
  return String(body.status);
};

/** Polls until `condition` holds; fails with `what` after `timeoutMs`. */
export const waitFor = async (
  what: string | (() => string),
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  intervalMs = 50,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`,
      );
    await sleep(intervalMs);
  }
};

export const waitForStatus = async (api: Api, id: string, status: string, timeoutMs = 20_000) => {
  let last = '';
  await waitFor(
    () => `campaign ${id} to be ${status} (is ${last})`,
    async () => (last = await campaignStatus(api, id)) === status,
    timeoutMs,
    100,
  );
};

/** Every batch of a campaign, read from the table this process points at (TABLE_NAME). */
export const batchesOf = async (campaignId: string): Promise<Batch[]> => {
  const store = dynamoBatchStore(dynamoDocumentClient(), tableName());
  const batches: Batch[] = [];
  for await (const page of store.listBatches(campaignId)) batches.push(...page);
  return batches;
};

/** Waits until the campaign has completed, then answers its batches. */
export const completedBatches = async (
  api: Api,
  campaignId: string,
  timeoutMs?: number,
): Promise<Batch[]> => {
  await waitForStatus(api, campaignId, 'completed', timeoutMs);
  return batchesOf(campaignId);
};
