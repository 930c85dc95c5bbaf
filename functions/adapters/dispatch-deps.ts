import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { completeCampaign, type CampaignDeps } from '#core/campaign-service.js';
import { frequencyCappedPhones } from '#core/dispatch/frequency-cap.js';
import type { Campaign } from '#core/campaign.js';
import { completeIfDone } from '#core/dispatch/completion.js';
import type { DispatchDeps } from '#core/dispatch/dispatcher.js';
import type { MaterializeDeps, ProgressStore } from '#core/dispatch/materialize.js';
import type { BatchStore } from '#core/dispatch/ports.js';
import { openPartner, type Partner } from '#core/partner.js';
import type { SettingsStore } from '#core/settings.js';
import { LINK_PLACEHOLDER, shortLinkLength } from '#core/sms-encoding.js';
import { dynamoBatchStore, dynamoRateLimiter } from './batch-store.js';
import { snsBatchQueue, snsClient, tableBatchQueue } from './batch-queue.js';
import { campaignDeps } from './campaign-deps.js';
import { snsSmsTransport } from './sns-sms-transport.js';
import { dynamoDocumentClient } from './clients.js';
import { readConfig, requiredConfig, webhookUrlPolicy, type Config } from './config.js';
import { cached } from './cache.js';
import { dynamoLinkStore } from './link-store.js';
import { logger } from './logger.js';
import { observeDispatch } from './metrics.js';
import { dynamoPartnerStore } from './partner-store.js';
import { dynamoPortedNumbers } from './ported-store.js';
import { dynamoProgressStore } from './progress-store.js';
import { dynamoRecipientIndex } from './recipient-index.js';
import { dynamoReportStore } from './report-store.js';
import { partnerSecretSealer } from './secret-sealer.js';
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

/** The sending area's composition root: materialiser, consumer, sweep and test sends. */
export const sendingDeps = (config: Config = readConfig()): SendingDeps => {
  const client = dynamoDocumentClient();
  const table = config.TABLE_NAME;
  const campaigns = campaignDeps(config);
  const batches = dynamoBatchStore(client, table);
  const progress = dynamoProgressStore(client, table);
  const settings = dynamoSettingsStore(client, table);
  const partners = dynamoPartnerStore(client, table);
  const sealer = partnerSecretSealer(config);
  const ported = dynamoPortedNumbers(client, table);
  const recipientIndex = dynamoRecipientIndex(client, table);
  const reports = dynamoReportStore(client, table);
  const base = config.PUBLIC_BASE_URL;
  const webhook = webhookTransport(webhookUrlPolicy(config));
  const queue = config.LOCAL_RUNTIME
    ? tableBatchQueue
    : snsBatchQueue(snsClient(), requiredConfig(config, 'BATCH_TOPIC_ARN'));

  return {
    campaigns,
    batches,
    progress,
    settings,
    dispatch: {
      batches,
      // PACING_MARGIN_MS: a wider safety margin where the delay to partners varies more (see pacing.ts).
      limiter: dynamoRateLimiter(client, table, config.PACING_MARGIN_MS),
      queue,
      transportFor: (partner) => (partner.kind === 'sns' ? snsSmsTransport(snsClient()) : webhook),
      // Opened to sign the hand-over: only the consumer asks, and the sealer remembers what it opened.
      partner: cached<Partner | undefined>(2000, async (id) => {
        const stored = await partners.get(id);
        return stored && openPartner(sealer, stored);
      }),
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
      observe: observeDispatch(config.LOCAL_RUNTIME),
      now: () => new Date(),
      sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
      random: Math.random,
      // How long a claimed batch is ours before another consumer may take it over (after a crash).
      leaseMs: config.DISPATCH_LEASE_MS,
      webhookTimeoutMs: config.WEBHOOK_TIMEOUT_MS,
    },
    materialize: {
      audiences: campaigns.audiences,
      batches,
      queue,
      progress,
      optedOut: () => campaigns.suppression.allOptedOut(),
      cappedPhones: frequencyCappedPhones({
        campaigns: campaigns.campaigns,
        batches,
        settings,
        now: campaigns.now,
      }),
      partners: campaigns.partners,
      shortCodes: (campaignId) => dynamoLinkStore(client, table).shortCodes(campaignId),
      aggregateCode: (campaignId) => dynamoLinkStore(client, table).aggregateCode(campaignId),
      hasLink: (message) => new RegExp(LINK_PLACEHOLDER.source).test(message),
      shortLinkLength: shortLinkLength(config.PUBLIC_BASE_URL),
      portedCarriers: () => ported.all(),
      indexRecipients: (campaignId, materializedAt, list, run) =>
        recipientIndex.put(campaignId, materializedAt, list, run),
      recordSuppressed: (campaignId, list, at) => reports.putSuppressed(campaignId, list, at),
      now: () => new Date(),
      leaseMs: config.MATERIALIZE_LEASE_MS,
      heartbeat: (everyMs, beat) => {
        const timer = setInterval(() => void beat(), everyMs);
        timer.unref();
        return () => clearInterval(timer);
      },
      newLeaseOwner: () => randomUUID(),
      nextTurn: () => nextTurn(),
    },
  };
};
