import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoBatchStore } from '#adapters/batch-store.js';
import { dynamoDocumentClient, tableName } from '#adapters/clients.js';
import { sendingDeps, type SendingDeps } from '#adapters/dispatch-deps.js';
import { getCampaign } from '#core/campaign-service.js';
import type { Campaign } from '#core/campaign.js';
import type { Batch } from '#core/dispatch/batch.js';
import { dispatchBatch } from '#core/dispatch/dispatcher.js';
import { materializeCampaign, type MaterializeDeps } from '#core/dispatch/materialize.js';
import { sweepSendingCampaigns } from '#core/dispatch/sweep.js';
import type { TestApi } from '#support/api.js';
import type { SimulatedPartner } from '#support/partners.js';
import { startDispatchStack, type DispatchStack } from '#support/stack.js';
import { batchesOf, campaignStatus, launchCampaignTo, subscribers, waitFor } from '#support/sending.js';

/**
 * Two materialisations of one campaign at once (the `campaign.started` run and the sweep's, or a run that
 * stalled past its lease and the one that took over): a batch the first wrote and the consumer handed
 * over is never written again, so it is never sent again, and every recipient ends in exactly one batch.
 */

let api: TestApi;
let stack: DispatchStack;
let deps: SendingDeps;

// No local dispatcher: each test runs the materialisations and the hand-overs itself.
beforeAll(async () => {
  stack = await startDispatchStack({ dispatcher: false });
  api = stack.api;
  deps = sendingDeps();
});

afterAll(() => stack?.stop());

/** A started campaign to twelve Viettel phones, five to a batch: three batches. */
const startCampaign = async (partnerId: string, from: number) => {
  const partner = await stack.partner({ id: partnerId, carriers: ['viettel'], tps: 100, maxBatchSize: 5 });
  const audience = subscribers('viettel', from, 12);
  const approved = await launchCampaignTo(api, `Thôn ${partnerId}`, audience, { partnerIds: [partnerId] });
  const campaign = await getCampaign(deps.campaigns, String(approved.id));
  return { campaign, partner, phones: audience.map((s) => s.phone) };
};

/** A run that stops once it has read everything it plans from, until `resume` is called. */
const heldRun = (materialize: MaterializeDeps, campaign: Campaign) => {
  let resume = () => {};
  let reached = false;
  const resumed = new Promise<void>((done) => (resume = done));
  const run = materializeCampaign(
    {
      ...materialize,
      partners: async () => {
        reached = true;
        await resumed;
        return materialize.partners();
      },
    },
    campaign,
  ).catch((error: unknown) => error);
  return { run, resume, reached: () => reached };
};

/** Hands over every queued batch, as the consumers would. */
const dispatchQueued = async (campaignId: string) => {
  for (const batch of await batchesOf(campaignId))
    if (batch.status === 'queued') await dispatchBatch(deps.dispatch, batch);
};

/** The phones the partner was POSTed, counted once per hand-over (a resend counts twice). */
const sentPhones = (partner: SimulatedPartner) =>
  partner.handOvers
    .filter((h) => h.status !== undefined && h.status >= 200 && h.status < 300)
    .flatMap((h) => h.messages.map((m) => m.to))
    .sort();

const expectEachOnce = async (campaignId: string, partner: SimulatedPartner, phones: string[]) => {
  const batches = await batchesOf(campaignId);
  expect(batches.flatMap((b) => b.messages.map((m) => m.to)).sort()).toEqual([...phones].sort());
  expect(sentPhones(partner)).toEqual([...phones].sort());
};

describe('a materialisation overlapping another', () => {
  it('never rewrites a batch already handed over, when a run stalled past its lease and another took over', async () => {
    const { campaign, partner, phones } = await startCampaign('lease-stalled', 7_200_001);
    // The stalled run's clock is ten minutes behind: its lease had run out long before it resumed.
    const stalled = heldRun({ ...deps.materialize, now: () => new Date(Date.now() - 600_000) }, campaign);
    await waitFor('the stalled run to have read its inputs', stalled.reached);

    await materializeCampaign(deps.materialize, campaign);
    const [first] = await batchesOf(campaign.id);
    if (!first) throw new Error('no batch written');
    await dispatchBatch(deps.dispatch, first);
    const handed = (await batchesOf(campaign.id)).find((b) => b.seq === first.seq);
    expect(handed).toMatchObject({ status: 'pending', handedTo: ['lease-stalled'] });

    stalled.resume();
    const outcome = await stalled.run;
    expect((await batchesOf(campaign.id)).find((b) => b.seq === first.seq)).toEqual(handed);

    await dispatchQueued(campaign.id);
    await expectEachOnce(campaign.id, partner, phones);
    expect(await campaignStatus(api, campaign.id)).toBe('completed');
    // The stalled run found its lease taken and stopped, leaving the work to the one that took over.
    expect(outcome).toEqual({ status: 'superseded' });
  });

  it('the sweep leaves a campaign alone while its run holds a live lease', async () => {
    const { campaign, partner, phones } = await startCampaign('lease-live', 7_300_001);
    const eventRun = heldRun(deps.materialize, campaign);
    await waitFor('the run to have read its inputs', eventRun.reached);

    await sweepSendingCampaigns(deps);
    expect(await batchesOf(campaign.id)).toEqual([]);

    eventRun.resume();
    expect(await eventRun.run).toMatchObject({ status: 'finished', progress: { totalBatches: 3 } });
    await dispatchQueued(campaign.id);
    await expectEachOnce(campaign.id, partner, phones);
    expect(await campaignStatus(api, campaign.id)).toBe('completed');
  });
});

describe('adding new batches', () => {
  const batch = (campaignId: string, seq: number, to: string): Batch => ({
    campaignId,
    seq,
    partnerId: 'p',
    routes: ['p'],
    status: 'queued',
    attempt: 0,
    availableAt: '2099-01-01T00:00:00.000Z',
    messages: [{ index: 0, to, carrier: 'viettel', state: 'queued' }],
    createdAt: '2027-07-30T01:00:00.000Z',
    updatedAt: '2027-07-30T01:00:00.000Z',
  });
  const range = (campaignId: string, from: number, to: number, phoneOf: string) =>
    Array.from({ length: to - from }, (_, i) => batch(campaignId, from + i, phoneOf));

  it('adds them in whole transactions and stops at the first number taken, replacing none', async () => {
    const store = dynamoBatchStore(dynamoDocumentClient(), tableName());
    expect(await store.putNewBatches(range('put-new', 0, 150, 'first'))).toBe(150);
    // 100..199 is one transaction, and 100..149 are taken: nothing of it is written.
    expect(await store.putNewBatches(range('put-new', 100, 300, 'second'))).toBe(0);
    expect(await store.putNewBatches(range('put-new', 150, 300, 'third'))).toBe(150);

    const written = await batchesOf('put-new');
    expect(written.map((b) => b.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(written.map((b) => b.messages[0]?.to)).toEqual([
      ...Array<string>(150).fill('first'),
      ...Array<string>(150).fill('third'),
    ]);
  });
});
