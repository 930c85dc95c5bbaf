import { bodyOf, expectStatus, send } from '#support/typed-api.js';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient, tableName } from '#adapters/clients.js';
import { dynamoLinkStore } from '#adapters/link-store.js';
import { keys } from '#adapters/table.js';
import { linkPrefixFor } from '#core/links.js';
import { SHORT_CODE_LENGTH } from '#core/sms-encoding.js';
import type { TestApi } from '#support/api.js';
import { startMetricsStack, type MetricsStack } from '#support/stack.js';
import { batchesOf, createAudience, launchCampaign, phone, waitForStatus } from '#support/sending.js';

/**
 * Click tracking modes (issue #18) end to end, through a simulated partner: `aggregate` sends one code for
 * the whole campaign and counts its clicks without anyone's; `off` sends the URL itself and counts nothing.
 */

let api: TestApi;
let stack: MetricsStack;
const PARTNER = 'clicks-viettel';
const TARGET = 'https://example.gov.vn/111';
const RECIPIENTS = 12;

beforeAll(async () => {
  stack = await startMetricsStack({ id: PARTNER, carriers: ['viettel'], tps: 200 });
  api = stack.api;
});

afterAll(() => stack?.stop());

const open = (path: string) => fetch(`${api.url}${path}`, { redirect: 'manual' });

const metrics = async (campaignId: string) => {
  await stack.streams.drain();
  return bodyOf(await send(api, 'getCampaignMetrics', { params: { campaignId }, as: 'planner' }), 200);
};

/** Every item under a campaign's clicked-links list (`CLICKS#{id}`): a per-recipient click is listed there. */
const listedClicks = async (campaignId: string) =>
  (
    await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'lists',
        KeyConditionExpression: 'listPk = :pk',
        ExpressionAttributeValues: { ':pk': keys.clickList(campaignId, '').listPk },
      }),
    )
  ).Items ?? [];

const sendCampaign = async (clickTracking: 'aggregate' | 'off' | undefined, first: number) => {
  const audience = await createAudience(
    api,
    `Liên kết ${clickTracking ?? 'mặc định'}`,
    Array.from({ length: RECIPIENTS }, (_, i) => ({
      phone: phone('viettel', first + i),
      province: 'Bắc Kạn',
    })),
  );
  const campaign = await launchCampaign(api, {
    audienceIds: [audience],
    partnerIds: [PARTNER],
    message: `Canh giac mua ban nguoi. Goi 111. {{link:${TARGET}}}`,
    ...(clickTracking ? { clickTracking } : {}),
  });
  const campaignId = String(campaign.id);
  await waitForStatus(api, campaignId, 'completed', 60_000);
  const texts = stack.partner.handOvers
    .filter((h) => h.messages.some((m) => m.to === phone('viettel', first)))
    .flatMap((h) => h.messages.map((m) => m.text));
  return { campaign, campaignId, texts };
};

describe('aggregate click tracking (the default)', () => {
  let sent: Awaited<ReturnType<typeof sendCampaign>>;
  const shortLink = new RegExp(`/l/([0-9A-Za-z]{${SHORT_CODE_LENGTH}})$`);

  beforeAll(async () => {
    sent = await sendCampaign(undefined, 4_000_000);
  });

  it('is what a new campaign gets, and its estimate says so', () => {
    expect(sent.campaign.clickTracking).toBe('aggregate');
    expect(sent.campaign.estimate.clickTracking).toBe('aggregate');
  });

  it('sends every recipient the same short link, one code of the estimated length', () => {
    expect(sent.texts).toHaveLength(RECIPIENTS);
    const codes = new Set(sent.texts.map((text) => shortLink.exec(text)?.[1]));
    expect(codes.size).toBe(1);
    expect([...codes][0]).toHaveLength(SHORT_CODE_LENGTH);
  });

  it('keeps that code: asking for the campaign’s aggregate code again (a restart) gives the same one', async () => {
    const store = dynamoLinkStore(dynamoDocumentClient(), tableName());
    const code = shortLink.exec(sent.texts[0] ?? '')?.[1];
    await expect(store.aggregateCode(sent.campaignId)).resolves.toBe(code);
    await expect(store.aggregateCode(sent.campaignId)).resolves.toBe(code);
    // A recipient-mode maker of the same campaign (a test send) keeps the prefix and its aggregate code.
    await store.shortCodes(sent.campaignId);
    await expect(store.aggregateCode(sent.campaignId)).resolves.toBe(code);
  });

  it('counts two clicks on it as 2 clicks of the campaign, recorded against no recipient', async () => {
    const code = shortLink.exec(sent.texts[0] ?? '')?.[1] ?? '';
    for (let click = 1; click <= 2; click++) {
      const response = await open(`/l/${code}`);
      expectStatus(response, 302);
      expect(response.headers.get('location')).toBe(TARGET);
    }
    const body = await metrics(sent.campaignId);
    expect(body).toMatchObject({ clickTracking: 'aggregate', clicks: 2, uniqueClicks: 0 });
    // No message holds a code, nothing is listed per recipient, and the messages list has no clicks.
    const batches = await batchesOf(sent.campaignId);
    expect(batches.flatMap((b) => b.messages).filter((m) => m.code !== undefined)).toEqual([]);
    expect(await listedClicks(sent.campaignId)).toEqual([]);
    const list = bodyOf(
      await send(api, 'listCampaignMessages', {
        params: { campaignId: sent.campaignId },
        query: { limit: 50 },
        as: 'admin',
      }),
      200,
    );
    expect(list.items).toHaveLength(RECIPIENTS);
    expect(list.items.filter((m) => m.clicks !== undefined)).toEqual([]);
  });
});

describe('click tracking off', () => {
  let sent: Awaited<ReturnType<typeof sendCampaign>>;

  beforeAll(async () => {
    sent = await sendCampaign('off', 4_100_000);
  });

  it('sends the URL itself, estimated at its own length', () => {
    expect(sent.texts).toHaveLength(RECIPIENTS);
    for (const text of sent.texts) expect(text).toBe(`Canh giac mua ban nguoi. Goi 111. ${TARGET}`);
    expect(sent.campaign.estimate.clickTracking).toBe('off');
  });

  it('leaves no short link to follow and counts nothing', async () => {
    const batches = await batchesOf(sent.campaignId);
    expect(batches.some((b) => b.linkCode !== undefined)).toBe(false);
    expect(batches.flatMap((b) => b.messages).filter((m) => m.code !== undefined)).toEqual([]);
    // Not even a prefix was reserved: no code of this campaign can exist.
    const prefix = await dynamoDocumentClient().send(
      new GetCommand({ TableName: tableName(), Key: keys.linkPrefix(linkPrefixFor(sent.campaignId, 0)) }),
    );
    expect(prefix.Item?.campaignId).not.toBe(sent.campaignId);
    const body = await metrics(sent.campaignId);
    expect(body).toMatchObject({ clickTracking: 'off', clicks: 0, uniqueClicks: 0 });
  });
});
