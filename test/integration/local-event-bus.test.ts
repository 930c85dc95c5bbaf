import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient, tableName } from '#adapters/clients.js';
import { CAMPAIGN_STARTED_PATTERN, EVENT_SOURCE, localEventPublisher } from '#adapters/events.js';
import { dynamoProgressStore } from '#adapters/progress-store.js';
import { MATERIALIZE_TIMEOUT_SECONDS } from '#events/limits.js';
import { defaultRules, startLocalEventBus, type BusEvent, type LocalRule } from '#local/event-bus.js';
import { DEFAULT_LOCAL_TIMEOUT_MS } from '#local/invoke.js';
import type { LocalStreams } from '#local/streams.js';
import { startTestApi, type TestApi } from '#support/api.js';
import { startSimulatedPartner, type SimulatedPartner } from '#support/partners.js';
import { batchesOf, createAudience, launchCampaign, phone } from '#support/sending.js';
import { startTestStreams } from '#support/streams.js';

/**
 * The local stand-in for EventBridge: what the local publisher records reaches the rules' targets as
 * EventBridge would hand it over, so locally, as in AWS, `campaign.started` runs the materialiser.
 */

let api: TestApi;
let partner: SimulatedPartner | undefined;
const buses: LocalStreams[] = [];

/** Starts a bus, waits until it has handed over everything recorded so far, and stops it. */
const runBus = async (rules: LocalRule[] | undefined, publishAll: () => Promise<unknown>) => {
  const bus = await startLocalEventBus({ pollMs: 20, ...(rules ? { rules } : {}) });
  buses.push(bus);
  await publishAll();
  await bus.drain();
  await bus.stop();
  buses.splice(buses.indexOf(bus), 1);
};

/** A rule on `campaign.started`, the materialiser's own pattern, with a target of the test's. */
const onStarted = (functionName: string, target: LocalRule['target']): LocalRule => ({
  functionName,
  pattern: CAMPAIGN_STARTED_PATTERN,
  target,
});

const publish = (type: string, detail: Record<string, unknown>) =>
  localEventPublisher(dynamoDocumentClient(), tableName()).publish({
    type,
    at: new Date().toISOString(),
    detail,
  });

beforeAll(async () => {
  // Creates the table (with its stream) and leaves the metrics aggregator running, as the runtime does.
  buses.push(await startTestStreams());
  api = await startTestApi();
});

afterAll(async () => {
  await Promise.all(buses.map((bus) => bus.stop()));
  await partner?.close();
  await api?.close();
});

describe('the local event bus', () => {
  it('runs the materialiser on campaign.started, with no sweep running', async () => {
    partner = await startSimulatedPartner(api, { id: 'bus-viettel', carriers: ['viettel'], tps: 100 });
    const audienceId = await createAudience(api, 'Xã Nậm Cắn', [
      { phone: phone('viettel', 7_100_001) },
      { phone: phone('viettel', 7_100_002) },
    ]);
    let id = '';
    await runBus(undefined, async () => {
      id = String((await launchCampaign(api, { audienceIds: [audienceId], partnerIds: ['bus-viettel'] })).id);
    });

    const progress = await dynamoProgressStore(dynamoDocumentClient(), tableName()).get(id);
    expect(progress).toMatchObject({ materialized: true, totalBatches: 1 });
    const batches = await batchesOf(id);
    expect(batches.flatMap((b) => b.messages.map((m) => m.to)).sort()).toEqual([
      phone('viettel', 7_100_001),
      phone('viettel', 7_100_002),
    ]);
  });

  it("gives the materialiser its Lambda's five minutes, not a local invocation's 30 s", async () => {
    const [materializer] = await defaultRules();
    expect(materializer).toMatchObject({
      functionName: 'materializeCampaign',
      timeoutMs: MATERIALIZE_TIMEOUT_SECONDS * 1000,
    });
    // The time left to the target, by the campaign of its event (the bus hands over earlier tests' too).
    const remaining = new Map<unknown, number>();
    const rule = {
      ...onStarted('deadline', async (event: BusEvent, context) => {
        remaining.set(event.detail.campaignId, context.getRemainingTimeInMillis());
      }),
      timeoutMs: MATERIALIZE_TIMEOUT_SECONDS * 1000,
    };
    await runBus([rule], () => publish('campaign.started', { campaignId: 'DEADLINE' }));
    expect(remaining.get('DEADLINE')).toBeGreaterThan(DEFAULT_LOCAL_TIMEOUT_MS);
  });

  it("hands a matching event to its rule's target in EventBridge's shape, and others to no one", async () => {
    const received: BusEvent[] = [];
    await runBus([onStarted('recorder', async (event) => void received.push(event))], async () => {
      await publish('campaign.approved', { campaignId: 'c-approved' });
      await publish('campaign.started', { campaignId: 'c-started' });
    });

    const mine = received.filter(
      (e) => e.detail.campaignId === 'c-started' || e.detail.campaignId === 'c-approved',
    );
    expect(mine).toEqual([
      expect.objectContaining({
        source: EVENT_SOURCE,
        'detail-type': 'campaign.started',
        detail: { campaignId: 'c-started' },
      }),
    ]);
  });

  it('gives up on a target that keeps failing, and holds up no event after it', async () => {
    const tried: string[] = [];
    const flaky = onStarted('flaky', async (event) => {
      const campaignId = String(event.detail.campaignId);
      tried.push(campaignId);
      if (campaignId === 'c-broken') throw new Error('target down');
    });
    await runBus([flaky], async () => {
      await publish('campaign.started', { campaignId: 'c-broken' });
      await publish('campaign.started', { campaignId: 'c-after' });
    });

    expect(tried.filter((id) => id === 'c-broken')).toHaveLength(3);
    expect(tried.filter((id) => id === 'c-after')).toHaveLength(1);
  });
});
