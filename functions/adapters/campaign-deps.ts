import { ulid } from 'ulid';
import type { CampaignDeps } from '../core/campaign-service.js';
import type { PartnerView } from '../core/partner.js';
import type { CampaignScheduler, EventPublisher } from '../core/ports.js';
import { toView } from '../core/partner.js';
import { shortLinkLength } from '../core/sms-encoding.js';
import { dynamoAudienceStore } from './audience-store.js';
import { dynamoCampaignStore } from './campaign-store.js';
import { dynamoDocumentClient, tableName } from './clients.js';
import { eventBridgeClient, eventBridgePublisher, localEventPublisher } from './events.js';
import { dynamoOptOutStore } from './opt-out-store.js';
import { dynamoPartnerStore } from './partner-store.js';
import { dynamoLocalScheduler, eventBridgeScheduler, schedulerClient } from './scheduler.js';

/** `npm start` and the tests set LOCAL_RUNTIME=1: events and schedules then live in the table. */
export const isLocalRuntime = () => process.env.LOCAL_RUNTIME === '1';

export const requiredEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const eventPublisher = (): EventPublisher =>
  isLocalRuntime()
    ? localEventPublisher(dynamoDocumentClient(), tableName())
    : eventBridgePublisher(eventBridgeClient(), requiredEnv('EVENT_BUS_NAME'));

const campaignScheduler = (): CampaignScheduler =>
  isLocalRuntime()
    ? dynamoLocalScheduler(dynamoDocumentClient(), tableName())
    : eventBridgeScheduler(schedulerClient(), {
        groupName: requiredEnv('SCHEDULE_GROUP_NAME'),
        targetArn: requiredEnv('SCHEDULE_TARGET_ARN'),
        roleArn: requiredEnv('SCHEDULE_ROLE_ARN'),
        deadLetterArn: process.env.SCHEDULE_DLQ_ARN,
      });

export const publicBaseUrl = () => process.env.PUBLIC_BASE_URL ?? 'http://localhost:3000';

/** Lazily, so a handler that never publishes or schedules needs neither variable. */
const lazy = <T extends object>(make: () => T): T => {
  let instance: T | undefined;
  return new Proxy({} as T, { get: (_target, name) => Reflect.get((instance ??= make()), name) });
};

export const campaignDeps = (): CampaignDeps => {
  const client = dynamoDocumentClient();
  const table = tableName();
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
    events: lazy(eventPublisher),
    scheduler: lazy(campaignScheduler),
    now: () => new Date(),
    newId: ulid,
    shortLinkLength: shortLinkLength(publicBaseUrl()),
  };
};
