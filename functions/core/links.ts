import { createHash } from 'node:crypto';
import { HOLDOUT, type Group } from './content/assignment.js';
import { textsOf, type Content } from './content/content.js';
import { DEFAULT_LANGUAGE } from './content/languages.js';
import type { BatchMessage } from './dispatch/batch.js';
import { LINK_PLACEHOLDER, SHORT_CODE_LENGTH } from './sms-encoding.js';

/**
 * Short-link codes (contract §9) that lead to their batch without a lookup item per message:
 *
 *   code = prefix (3 base62, reserved per campaign) + random (5 base62, CSPRNG) + seq (base62, ≥ 4 chars)
 *
 * `GET /l/{code}` reads the prefix's reservation (→ campaign), then the batch `seq`, and accepts the code
 * only if a message of that batch carries exactly this code: the random part makes it unguessable. The seq
 * part is left-padded to 4 characters, so every code of a campaign below 14.7 million batches has the same
 * length (12) and the SMS estimate counts it exactly; test batches (seq ≥ 900,000,000) take 5–6 characters.
 */

export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const PREFIX_LENGTH = 3;
export const RANDOM_LENGTH = 5;
/** The seq part is padded to this, so a normal campaign's codes are all SHORT_CODE_LENGTH long. */
export const SEQ_MIN_LENGTH = SHORT_CODE_LENGTH - PREFIX_LENGTH - RANDOM_LENGTH;
/** Batch numbers are 9 digits at most (`keys.batch`): 999,999,999 is 6 base62 characters. */
const MAX_SEQ = 999_999_999;
const MAX_CODE_LENGTH = PREFIX_LENGTH + RANDOM_LENGTH + 6;
const BASE62_ONLY = /^[0-9A-Za-z]+$/;

export const encodeBase62 = (value: number, minLength = 1): string => {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`Not a base62 number: ${value}`);
  let text = '';
  let rest = value;
  do {
    text = BASE62[rest % 62] + text;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  return text.padStart(minLength, '0');
};

/** The number a base62 text stands for; undefined for anything else (empty, other characters). */
export const decodeBase62 = (text: string): number | undefined => {
  if (!BASE62_ONLY.test(text)) return undefined;
  let value = 0;
  for (const char of text) value = value * 62 + BASE62.indexOf(char);
  return Number.isSafeInteger(value) ? value : undefined;
};

/**
 * The prefix a campaign tries on its `attempt`-th reservation (0, 1, ...): a hash, so a restarted
 * materialisation or a test send of the same campaign finds the prefix it reserved before.
 */
export const linkPrefixFor = (campaignId: string, attempt: number): string => {
  const digest = createHash('sha256').update(`${campaignId}#${attempt}`).digest();
  return encodeBase62(digest.readUInt32BE(0) % 62 ** PREFIX_LENGTH, PREFIX_LENGTH);
};

/**
 * `length` uniformly random base62 characters from the random bytes `bytes(n)` gives (rejection sampling:
 * bytes ≥ 248 would favour the first characters, so they are drawn again).
 */
export const randomBase62 = (length: number, bytes: (count: number) => Uint8Array): string => {
  let text = '';
  while (text.length < length) {
    for (const byte of bytes(length * 2)) {
      if (byte < 248) text += BASE62[byte % 62];
      if (text.length === length) break;
    }
  }
  return text;
};

export const shortCode = (prefix: string, random: string, seq: number): string =>
  `${prefix}${random}${encodeBase62(seq, SEQ_MIN_LENGTH)}`;

export interface ParsedShortCode {
  prefix: string;
  random: string;
  seq: number;
}

/** The parts of a code, or undefined if it cannot be one of ours (length, characters, batch number). */
export const parseShortCode = (code: string): ParsedShortCode | undefined => {
  if (code.length < SHORT_CODE_LENGTH || code.length > MAX_CODE_LENGTH || !BASE62_ONLY.test(code))
    return undefined;
  const seq = decodeBase62(code.slice(PREFIX_LENGTH + RANDOM_LENGTH));
  if (seq === undefined || seq > MAX_SEQ) return undefined;
  return {
    prefix: code.slice(0, PREFIX_LENGTH),
    random: code.slice(PREFIX_LENGTH, PREFIX_LENGTH + RANDOM_LENGTH),
    seq,
  };
};

/** Batches whose used random parts are remembered; materialisation writes one batch's codes together. */
const REMEMBERED_BATCHES = 64;

/**
 * The code maker of one campaign: each call gives a new code for a message of batch `seq`, its random part
 * distinct from every other code of that batch (so no two recipients of a batch share a link).
 */
export const shortCodeMaker = (prefix: string, random: () => string) => {
  const used = new Map<number, Set<string>>();
  return (seq: number): string => {
    let taken = used.get(seq);
    if (!taken) {
      taken = new Set();
      used.set(seq, taken);
      if (used.size > REMEMBERED_BATCHES) used.delete(used.keys().next().value as number);
    }
    let part = random();
    while (taken.has(part)) part = random();
    taken.add(part);
    return shortCode(prefix, part, seq);
  };
};

/** Where a campaign's short links lead: the URL of the first `{{link:URL}}` of its message. */
export const linkTarget = (message: string): string | undefined =>
  new RegExp(LINK_PLACEHOLDER.source).exec(message)?.[1];

/**
 * Where one recipient's short link leads: the first link of the text they were sent (their treatment's,
 * in their language: issue #16), else of the campaign's message.
 */
export const recipientLinkTarget = (
  content: Content,
  treatment: Group | undefined,
  lang: string | undefined,
): string | undefined => {
  const texts = textsOf(content, treatment && treatment !== HOLDOUT ? treatment : 'A');
  const text = texts.get(lang ?? DEFAULT_LANGUAGE) ?? content.message;
  return linkTarget(text) ?? linkTarget(content.message);
};

/** Only web addresses are followed: a `javascript:` or `data:` URL in a message never becomes a redirect. */
export const safeTarget = (url: string | undefined): string | undefined => {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
};

/**
 * A campaign's one code when its clicks are counted in aggregate (`clickTracking: 'aggregate'`): shaped as
 * a recipient's code (so the SMS and the estimate count the same 12 characters) with the last 4-character
 * batch number, `zzzz` (14,776,335), which no send batch reaches (a batch holds up to 1,000 recipients).
 * Kept on the prefix's reservation, so it is made once per campaign.
 */
export const AGGREGATE_SEQ = 62 ** SEQ_MIN_LENGTH - 1;
export const aggregateCode = (prefix: string, random: string): string =>
  shortCode(prefix, random, AGGREGATE_SEQ);

/**
 * A click on a campaign's aggregate link, recorded on `keys.click(code)`: only that it happened, never
 * whose link it was (no batch, recipient, carrier, province, language or treatment).
 */
export interface CampaignClickRecord {
  code: string;
  campaignId: string;
  aggregate: true;
}

/** A click on a campaign's aggregate link as the table holds it: how many, first and last. */
export interface CampaignLinkClicks extends CampaignClickRecord {
  clicks: number;
  firstAt: string;
  lastAt: string;
}

/** One click on a recipient's link, recorded on `keys.click(code)` (shape in table.ts / the metrics). */
export interface ClickRecord {
  code: string;
  campaignId: string;
  seq: number;
  /** The message's index in its batch. */
  index: number;
  carrier: string;
  province?: string;
  /** The language variant and A/B treatment of the message (from its batch), for the metrics. */
  lang?: string;
  treatment?: string;
  /** A test send's link: the metrics leave it out. */
  test?: boolean;
}

/** What the table holds of a recipient's link once clicked: the click and how often, first and last. */
export interface RecipientLinkClicks extends ClickRecord {
  aggregate?: undefined;
  clicks: number;
  firstAt: string;
  lastAt: string;
}

/** A clicked link: a recipient's, or a campaign's aggregate one. */
export type LinkClicks = RecipientLinkClicks | CampaignLinkClicks;

/** Who reserved a prefix, and the campaign's aggregate code if it has one. */
export interface PrefixOwner {
  campaignId: string;
  aggregateCode?: string;
}

export interface LinkDeps {
  /** The campaign that reserved a prefix (and its aggregate code). */
  campaignOfPrefix(prefix: string): Promise<PrefixOwner | undefined>;
  /** The campaign's texts (with their `{{link:URL}}`): message, variants, treatments. */
  campaignContent(campaignId: string): Promise<Content | undefined>;
  batch(
    campaignId: string,
    seq: number,
  ): Promise<{ messages: BatchMessage[]; treatment?: Group; test: boolean } | undefined>;
  /** Counts a click: one write, a click and (on the first) a unique click. */
  recordClick(click: ClickRecord, at: Date): Promise<void>;
  /** Counts a click on a campaign's aggregate link: one write, adding to its count only. */
  recordCampaignClick(click: CampaignClickRecord, at: Date): Promise<void>;
  now(): Date;
}

/**
 * Where a short link goes. A recipient's link redirects and counts. A test send's link only shows a preview
 * naming its target and counts nothing: a test goes out before approval, so its URL is not yet reviewed,
 * and our short domain must not lead a phone to an unreviewed address (nor a tester's taps to the metrics).
 */
export type ShortLinkOutcome =
  { kind: 'redirect'; target: string } | { kind: 'test-preview'; target: string };

/**
 * `GET /l/{code}` (contract §9): what the code leads to, after counting a recipient's click; undefined when
 * the code is not a recipient's (malformed, unknown prefix or batch, or a random part no message has).
 */
export const followShortLink = async (
  deps: LinkDeps,
  code: string,
): Promise<ShortLinkOutcome | undefined> => {
  const parsed = parseShortCode(code);
  if (!parsed) return undefined;
  const owner = await deps.campaignOfPrefix(parsed.prefix);
  if (!owner) return undefined;
  const { campaignId } = owner;
  if (parsed.seq === AGGREGATE_SEQ) {
    // The aggregate code leads to the campaign message's first link (every text shares it: campaign.ts).
    if (code !== owner.aggregateCode) return undefined;
    const content = await deps.campaignContent(campaignId);
    const target = safeTarget(content && linkTarget(content.message));
    if (!target) return undefined;
    await deps.recordCampaignClick({ code, campaignId, aggregate: true }, deps.now());
    return { kind: 'redirect', target };
  }
  const [content, batch] = await Promise.all([
    deps.campaignContent(campaignId),
    deps.batch(campaignId, parsed.seq),
  ]);
  const recipient = batch?.messages.find((m) => m.code === code);
  const target = safeTarget(
    content && recipient && recipientLinkTarget(content, batch?.treatment, recipient.lang),
  );
  if (!target || !batch || !recipient) return undefined;
  if (batch.test) return { kind: 'test-preview', target };
  await deps.recordClick(
    {
      code,
      campaignId,
      seq: parsed.seq,
      index: recipient.index,
      carrier: recipient.carrier,
      ...(recipient.province ? { province: recipient.province } : {}),
      ...(recipient.lang ? { lang: recipient.lang } : {}),
      ...(batch.treatment ? { treatment: batch.treatment } : {}),
    },
    deps.now(),
  );
  return { kind: 'redirect', target };
};
