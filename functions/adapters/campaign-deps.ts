import { ulid } from 'ulid';
import type { CampaignDeps } from '#core/campaign-service.js';
import type { PartnerView } from '#core/partner.js';
import type { CampaignScheduler, EventPublisher } from '#core/ports.js';
import { toView } from '#core/partner.js';
import { shortLinkLength } from '#core/sms-encoding.js';
import { dynamoAudienceStore } from './audience-store.js';
import { dynamoCampaignStore } from './campaign-store.js';
import { dynamoDocumentClient, localStandInClient } from './clients.js';
import { readConfig, requiredConfig, type Config } from './config.js';
export { apiOptions } from './deps.js';
import { eventBridgeClient, eventBridgePublisher, localEventPublisher } from './events.js';
import { dynamoInboundStore } from './inbound-store.js';
import { dynamoOptOutStore } from './opt-out-store.js';
import { dynamoPartnerStore } from './partner-store.js';
import { dynamoLocalScheduler, eventBridgeScheduler, schedulerClient } from './scheduler.js';

const eventPublisher = (config: Config): EventPublisher =>
  config.LOCAL_RUNTIME
    ? localEventPublisher(localStandInClient(), config.TABLE_NAME)
    : eventBridgePublisher(eventBridgeClient(), requiredConfig(config, 'EVENT_BUS_NAME'));

const campaignScheduler = (config: Config): CampaignScheduler =>
  config.LOCAL_RUNTIME
    ? dynamoLocalScheduler(localStandInClient(), config.TABLE_NAME)
    : eventBridgeScheduler(schedulerClient(), {
        groupName: requiredConfig(config, 'SCHEDULE_GROUP_NAME'),
        targetArn: requiredConfig(config, 'SCHEDULE_TARGET_ARN'),
        roleArn: requiredConfig(config, 'SCHEDULE_ROLE_ARN'),
        deadLetterArn: config.SCHEDULE_DLQ_ARN,
      });

/** Built on first use, so a Lambda that never publishes (or schedules) needs none of its variables. */
const onFirstUse = <T>(make: () => T): (() => T) => {
  let instance: T | undefined;
  return () => (instance ??= make());
};

const lazyPublisher = (make: () => EventPublisher): EventPublisher => {
  const publisher = onFirstUse(make);
  return { publish: (event) => publisher().publish(event) };
};

const lazyScheduler = (make: () => CampaignScheduler): CampaignScheduler => {
  const scheduler = onFirstUse(make);
  return {
    schedule: (campaignId, at, timeZone) => scheduler().schedule(campaignId, at, timeZone),
    cancel: (campaignId) => scheduler().cancel(campaignId),
  };
};

/** The campaigns area's composition root: the campaign handlers, the start schedule and the estimate. */
export const campaignDeps = (config: Config = readConfig()): CampaignDeps => {
  const client = dynamoDocumentClient();
  const table = config.TABLE_NAME;
  const partnerStore = dynamoPartnerStore(client, table);
  return {
    campaigns: dynamoCampaignStore(client, table),
    audiences: dynamoAudienceStore(client, table),
    suppression: dynamoOptOutStore(client, table),
    partners: async () => {
      const all: PartnerView[] = [];
      let cursor: string | undefined;
      do {
        const page = await partnerStore.list({ limit: 500, cursor });
        all.push(...page.items.map(toView));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return all;
    },
    events: lazyPublisher(() => eventPublisher(config)),
    scheduler: lazyScheduler(() => campaignScheduler(config)),
    now: () => new Date(),
    newId: ulid,
    shortLinkLength: shortLinkLength(config.PUBLIC_BASE_URL),
  };
};

/** The SMS estimate's handler: the short link's length follows from where links point. */
export const estimateDeps = (config: Config = readConfig()) => ({
  shortLinkLength: shortLinkLength(config.PUBLIC_BASE_URL),
});

/**
 * The replies of a campaign (GET …/replies): its inbound messages, and the campaign for its 404. Here, not
 * in webhook-deps.ts, so that the partner webhooks' Lambdas import none of the campaign stores.
 */
export const repliesDeps = (config: Config = readConfig()) => ({
  inbound: dynamoInboundStore(dynamoDocumentClient(), config.TABLE_NAME),
  campaigns: campaignDeps(config),
});
