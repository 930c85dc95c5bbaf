import { completeCampaign, type CampaignDeps } from '../core/campaign-service.js';
import type { Campaign } from '../core/campaign.js';
import { completeIfDone } from '../core/dispatch/completion.js';
import type { DispatchDeps } from '../core/dispatch/dispatcher.js';
import type { MaterializeDeps, ProgressStore } from '../core/dispatch/materialize.js';
import { SAFETY_MARGIN_MS } from '../core/dispatch/pacing.js';
import type { BatchStore } from '../core/dispatch/ports.js';
import type { Partner } from '../core/partner.js';
import type { SettingsStore } from '../core/settings.js';
import { LINK_PLACEHOLDER } from '../core/sms-encoding.js';
import { dynamoBatchStore, dynamoRateLimiter } from './batch-store.js';
import { snsBatchQueue, snsClient, tableBatchQueue } from './batch-queue.js';
import { campaignDeps, isLocalRuntime, publicBaseUrl, requiredEnv } from './campaign-deps.js';
import { snsSmsTransport } from './sns-sms-transport.js';
import { dynamoDocumentClient, tableName } from './clients.js';
import { cached } from './cache.js';
import { dynamoLinkStore } from './link-store.js';
import { logger } from './logger.js';
import { observeDispatch } from './metrics.js';
import { dynamoPartnerStore } from './partner-store.js';
import { dynamoPortedNumbers } from './ported-store.js';
import { dynamoProgressStore } from './progress-store.js';
import { dynamoRecipientIndex } from './recipient-index.js';
import { dynamoReportStore } from './report-store.js';
import { dynamoSettingsStore } from './settings-store.js';
import { webhookTransport } from './webhook-transport.js';

export interface SendingDeps {
  campaigns: CampaignDeps;
  batches: BatchStore;
  progress: ProgressStore;
  settings: SettingsStore;
  dispatch: DispatchDeps;
  materialize: MaterializeDeps;
}

/** Phones that reached the frequency cap through other campaigns started inside the cap's window. */
const cappedPhones =
  (campaigns: CampaignDeps, batches: BatchStore, settings: SettingsStore) => async (campaign: Campaign) => {
    const { frequencyCap } = await settings.get();
    const since = Date.now() - frequencyCap.hours * 3600_000;
    const counts = new Map<string, number>();
    // A cancelled (or failed) campaign's messages handed over before it stopped reached the phone too.
    for (const status of ['sending', 'paused', 'completed', 'cancelled', 'failed'] as const) {
      let cursor: string | undefined;
      do {
        const page = await campaigns.campaigns.list({ status, limit: 100, cursor });
        for (const other of page.items) {
          if (other.id === campaign.id || !other.startedAt || Date.parse(other.startedAt) < since) continue;
          for await (const list of batches.listBatches(other.id)) {
            for (const batch of list) {
              if (batch.test) continue;
              for (const m of batch.messages)
                if (m.st !== 'failed') counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
            }
          }
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }
    return new Set([...counts].filter(([, n]) => n >= frequencyCap.messages).map(([phone]) => phone));
  };

/** The pacing safety margin configured, in ms: a whole number from 0 to 1000, else the default. */
const pacingMarginMs = (value: string | undefined): number => {
  const ms = Number(value);
  return value && Number.isInteger(ms) && ms >= 0 && ms <= 1000 ? ms : SAFETY_MARGIN_MS;
};

export const sendingDeps = (): SendingDeps => {
  const client = dynamoDocumentClient();
  const table = tableName();
  const campaigns = campaignDeps();
  const batches = dynamoBatchStore(client, table);
  const progress = dynamoProgressStore(client, table);
  const settings = dynamoSettingsStore(client, table);
  const partners = dynamoPartnerStore(client, table);
  const ported = dynamoPortedNumbers(client, table);
  const recipientIndex = dynamoRecipientIndex(client, table);
  const reports = dynamoReportStore(client, table);
  const base = publicBaseUrl();
  const webhook = webhookTransport();
  const queue = isLocalRuntime()
    ? tableBatchQueue
    : snsBatchQueue(snsClient(), requiredEnv('BATCH_TOPIC_ARN'));

  return {
    campaigns,
    batches,
    progress,
    settings,
    dispatch: {
      batches,
      // PACING_MARGIN_MS: a wider safety margin where the delay to partners varies more (see pacing.ts).
      limiter: dynamoRateLimiter(client, table, pacingMarginMs(process.env.PACING_MARGIN_MS)),
      queue,
      transportFor: (partner) => (partner.kind === 'sns' ? snsSmsTransport(snsClient()) : webhook),
      partner: cached<Partner | undefined>(2000, (id) => partners.get(id)),
      campaign: cached<Campaign | undefined>(500, (id) => campaigns.campaigns.get(id)),
      // The batch store counted the batch as it settled it; completion follows here, or in the next sweep.
      onSettled: async ({ test, campaignId }) => {
        if (test) return;
        const complete = (id: string) => completeCampaign(campaigns, id);
        await progress
          .get(campaignId)
          .then((now) => completeIfDone(complete, campaignId, now))
          .catch((error: Error) => logger.error('Progress update failed', error));
      },
      shortLink: (code) => `${base}/l/${code}`,
      observe: observeDispatch(isLocalRuntime()),
      now: () => new Date(),
      sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
      random: Math.random,
      // How long a claimed batch is ours before another consumer may take it over (after a crash).
      leaseMs: Number(process.env.DISPATCH_LEASE_MS ?? 60_000),
      webhookTimeoutMs: Number(process.env.WEBHOOK_TIMEOUT_MS ?? 10_000),
    },
    materialize: {
      audiences: campaigns.audiences,
      batches,
      queue,
      progress,
      optedOut: () => campaigns.suppression.allOptedOut(),
      cappedPhones: cappedPhones(campaigns, batches, settings),
      partners: campaigns.partners,
      shortCodes: (campaignId) => dynamoLinkStore(client, table).shortCodes(campaignId),
      hasLink: (message) => new RegExp(LINK_PLACEHOLDER.source).test(message),
      portedCarriers: () => ported.all(),
      indexRecipients: (campaignId, materializedAt, list) =>
        recipientIndex.put(campaignId, materializedAt, list),
      recordSuppressed: (campaignId, list, at) => reports.putSuppressed(campaignId, list, at),
      now: () => new Date(),
    },
  };
};
