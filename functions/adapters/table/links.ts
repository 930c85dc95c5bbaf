import * as z from 'zod';
import { CampaignTextsView } from '#core/campaign-texts.js';
import type { Content } from '#core/content/content.js';
import type { CampaignClickRecord, ClickRecord, LinkClicks, PrefixOwner } from '#core/links.js';
import { keyParts, keys, retentionTtl, TTL_ATTRIBUTE } from '#adapters/table.js';
import { defined, parseItem, StoredMessageTags, type Item } from './codec.js';

/**
 * The codecs the short links read and write (re-exported by records.ts with the table's other entities):
 * in a module of their own, so the short-link Lambda imports no campaign, audience or partner schema.
 */

const CAMPAIGN = 'Campaign';
/** What a reader projecting a campaign's texts (`message, variants, treatments`) gets. */
const CampaignContentProjection = z.object(CampaignTextsView);
/** A campaign's item read for its texts only (campaign-records.ts has the campaign's codec). */
export const campaignTextsCodec = {
  /** A read projecting the campaign's texts only (short links find their target there). */
  contentFromItem: (item: Item): Content => defined(parseItem(CAMPAIGN, CampaignContentProjection, item)),
} as const;

const LINK_PREFIX = 'LinkPrefix';
/** Short-link prefix reserved by a campaign: `LINKPREFIX#{prefix}` / `LINKPREFIX`. */
export const linkPrefixCodec = {
  entity: LINK_PREFIX,
  key: keys.linkPrefix,
  toItem: (prefix: string, campaignId: string): Item => ({
    ...keys.linkPrefix(prefix),
    entity: LINK_PREFIX,
    campaignId,
  }),
  /** A read projecting `campaignId` and `aggregateCode` (the campaign's one code, when it has one). */
  ownerOf: (item: Item): PrefixOwner =>
    defined(
      parseItem(
        LINK_PREFIX,
        z.object({ campaignId: z.string(), aggregateCode: z.string().optional() }),
        item,
      ),
    ),
} as const;

const CLICK = 'Click';
/** What every link's item holds: its key (the code), its campaign and its clicks. */
const StoredClickCount = {
  pk: z.string(),
  campaignId: z.string(),
  clicks: z.number().default(0),
  firstAt: z.string(),
  lastAt: z.string(),
};
/** Stored with the short index name `i` of the batch message the link belongs to. */
const StoredClick = z.object({
  ...StoredClickCount,
  seq: z.number(),
  i: z.number(),
  carrier: z.string(),
  province: z.string().optional(),
  ...StoredMessageTags,
  test: z.boolean().optional(),
});
/** A campaign's aggregate link: its count and nothing about who clicked (links.ts). */
const StoredCampaignClick = z.object({ ...StoredClickCount, aggregate: z.literal(true) });
/**
 * Clicks on one recipient's short link: `CLICK#{code}` / `CLICK`, listed under `CLICKS#{campaignId}` /
 * `{code}`. Written by one `UpdateExpression` per click (`ADD clicks`), so the codec gives its attributes.
 */
export const clickCodec = {
  entity: CLICK,
  key: keys.click,
  /**
   * The attributes a click at `at` sets (besides `clicks`, `firstAt` and `lastAt`, which the update moves):
   * the item expires RETENTION_DAYS after the last click.
   */
  attributesOf: (click: ClickRecord, at: Date): Item =>
    defined({
      [TTL_ATTRIBUTE]: retentionTtl(at),
      entity: CLICK,
      campaignId: click.campaignId,
      seq: click.seq,
      i: click.index,
      carrier: click.carrier,
      ...keys.clickList(click.campaignId, click.code),
      province: click.province || undefined,
      lang: click.lang || undefined,
      treatment: click.treatment || undefined,
      test: click.test || undefined,
    }),
  /** The same for a campaign's aggregate link: not listed, not per recipient, kept as aggregates are. */
  campaignAttributesOf: (click: CampaignClickRecord): Item => ({
    entity: CLICK,
    campaignId: click.campaignId,
    aggregate: true,
  }),
  fromItem: (item: Item): LinkClicks => {
    if (item.aggregate === true) {
      const { pk, ...click } = parseItem(CLICK, StoredCampaignClick, item);
      return { ...click, code: keyParts.codeOfClickPk(pk) ?? '' };
    }
    const { pk, i, ...click } = parseItem(CLICK, StoredClick, item);
    return defined({ ...click, code: keyParts.codeOfClickPk(pk) ?? '', index: i });
  },
  /** A read projecting `pk` and `clicks` (BatchGetItem by code). */
  clicksByCode: (item: Item): [code: string, clicks: number] => {
    const { pk, clicks } = parseItem(
      CLICK,
      z.object({ pk: z.string(), clicks: z.number().default(0) }),
      item,
    );
    return [keyParts.codeOfClickPk(pk) ?? '', clicks];
  },
  /** A read of the `lists` index projecting `listSk` (the code) and `clicks`. */
  clicksOfListItem: (item: Item): [code: string, clicks: number] => {
    const { listSk, clicks } = parseItem(
      CLICK,
      z.object({ listSk: z.string(), clicks: z.number().default(0) }),
      item,
    );
    return [listSk, clicks];
  },
} as const;
