import { currentFilters } from '#core/audience-filters.js';
import { AuditEntry } from '#core/audit.js';
import { CampaignView, LEGACY_CLICK_TRACKING, type Campaign } from '#core/campaign.js';
import { keys } from '#adapters/table.js';
import { entityCodec, parseItem, type Item } from './codec.js';
import { campaignTextsCodec } from './links.js';

/**
 * The codecs of campaigns and their audit log, apart from records.ts so that a Lambda storing partners,
 * opt-outs or replies imports no campaign, filter or province schema.
 */

const CAMPAIGN = 'Campaign';
/**
 * A stored campaign, its filters (and those of the version last rejected, so a review compares like with
 * like) in today's province names: campaigns saved before the registry hold them as typed.
 */
const inTodaysProvinces = ({ filters, rejection, ...campaign }: Campaign): Campaign => {
  const version = rejection?.version;
  return {
    ...campaign,
    ...(filters ? { filters: currentFilters(filters) } : {}),
    ...(rejection
      ? {
          rejection: version?.filters
            ? { ...rejection, version: { ...version, filters: currentFilters(version.filters) } }
            : rejection,
        }
      : {}),
  };
};

/** Campaign: `CAMPAIGN#{id}` / `CAMPAIGN`, listed under `CAMPAIGNS` and `CAMPAIGN_STATUS#{status}`. */
export const campaignCodec = {
  entity: CAMPAIGN,
  toItem: (campaign: Campaign): Item => ({
    ...campaign,
    ...keys.campaign(campaign.id),
    ...keys.campaignList(campaign.createdAt, campaign.id),
    ...keys.campaignByStatus(campaign.status, campaign.createdAt, campaign.id),
    entity: CAMPAIGN,
  }),
  /** A campaign stored before click tracking modes was sent with a code per recipient: it reads so. */
  fromItem: (item: Item): Campaign =>
    inTodaysProvinces(parseItem(CAMPAIGN, CampaignView, { clickTracking: LEGACY_CLICK_TRACKING, ...item })),
  /** A read projecting the campaign's texts only (short links find their target there). */
  contentFromItem: campaignTextsCodec.contentFromItem,
} as const;

const AUDIT = 'Audit';
/** Audit entry: `AUDIT#{campaignId}` / `{at}#{id}`, listed under `AUDIT`. */
export const auditCodec = entityCodec(AUDIT, AuditEntry, (entry: AuditEntry) =>
  keys.audit(entry.campaignId, entry.at, entry.id),
);

/** A user's test sends on a campaign in one UTC hour (a counter `sends`, moved by `ADD`). */
export const testSendsCodec = { entity: 'TestSends', key: keys.testSends } as const;
