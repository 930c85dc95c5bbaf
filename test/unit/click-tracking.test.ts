import { describe, expect, it } from 'vitest';
import { CampaignInput, CampaignPatch } from '#core/campaign.js';
import { renderBatch } from '#core/dispatch/dispatcher.js';
import type { BatchMessage } from '#core/dispatch/batch.js';
import {
  AGGREGATE_SEQ,
  aggregateCode,
  followShortLink,
  parseShortCode,
  type CampaignClickRecord,
  type LinkDeps,
} from '#core/links.js';
import { contributionOf } from '#core/metrics/changes.js';
import { estimateMessage, SHORT_CODE_LENGTH } from '#core/sms-encoding.js';
import { campaignBody, queuedBatch, sendingCampaign } from './fixtures.js';

/** Click tracking modes (issue #18): what the SMS carries, what a click counts, what the estimate sizes. */

const URL = 'https://example.gov.vn/duong-day-nong-111';
const message: BatchMessage = { index: 0, to: '+84981234567', carrier: 'viettel', state: 'queued' };
const shortLink = (code: string) => `https://s.example.vn/l/${code}`;
const textOf = (result: ReturnType<typeof renderBatch>) => result.sendable.map((s) => s.rendered.text);

describe('the text a mode sends', () => {
  const campaign = (clickTracking: 'recipient' | 'aggregate' | 'off') =>
    sendingCampaign({ message: `Goi 111. {{link:${URL}}}`, clickTracking });

  it('recipient: the message’s own code', () => {
    const batch = queuedBatch([{ ...message, code: 'abcdefgh0001' }]);
    expect(textOf(renderBatch({ shortLink }, batch, campaign('recipient')))).toEqual([
      'Goi 111. https://s.example.vn/l/abcdefgh0001',
    ]);
  });

  it('aggregate: the campaign’s one code, carried by the batch', () => {
    const batch = queuedBatch([message, { ...message, index: 1 }], { linkCode: 'abcdefghzzzz' });
    expect(textOf(renderBatch({ shortLink }, batch, campaign('aggregate')))).toEqual([
      'Goi 111. https://s.example.vn/l/abcdefghzzzz',
      'Goi 111. https://s.example.vn/l/abcdefghzzzz',
    ]);
  });

  it('off: the URL itself, even on a message that has a code (a test send)', () => {
    const batch = queuedBatch([{ ...message, code: 'abcdefgh0001' }]);
    expect(textOf(renderBatch({ shortLink }, batch, campaign('off')))).toEqual([`Goi 111. ${URL}`]);
  });

  it('off: the estimate counts the URL as sent, not a short link', () => {
    const text = `Goi 111. {{link:${URL}}}`;
    expect(estimateMessage(text, { plainLinks: true }).characters).toBe(`Goi 111. ${URL}`.length);
    expect(estimateMessage(text, { shortLinkLength: 36 }).characters).toBe('Goi 111. '.length + 36);
  });
});

describe('the campaign body', () => {
  it('defaults to aggregate and takes each mode', () => {
    expect(CampaignInput.parse(campaignBody).clickTracking).toBe('aggregate');
    expect(CampaignInput.parse({ ...campaignBody, clickTracking: 'recipient' }).clickTracking).toBe(
      'recipient',
    );
    expect(CampaignPatch.parse({ clickTracking: 'off' })).toEqual({ clickTracking: 'off' });
    expect(CampaignPatch.parse({})).toEqual({});
  });

  it('refuses another word, naming the field', () => {
    const result = CampaignInput.safeParse({ ...campaignBody, clickTracking: 'per-person' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['clickTracking']);
  });
});

describe('an aggregate link', () => {
  const code = aggregateCode('pfx', 'Rnd42');

  it('is as long as a recipient’s code, with a batch number no send batch has', () => {
    expect(code).toHaveLength(SHORT_CODE_LENGTH);
    expect(parseShortCode(code)).toEqual({ prefix: 'pfx', random: 'Rnd42', seq: AGGREGATE_SEQ });
  });

  const deps = (aggregate: string | undefined) => {
    const clicks: CampaignClickRecord[] = [];
    const value: LinkDeps = {
      campaignOfPrefix: (prefix) =>
        Promise.resolve(
          prefix === 'pfx'
            ? { campaignId: 'c1', ...(aggregate ? { aggregateCode: aggregate } : {}) }
            : undefined,
        ),
      campaignContent: () => Promise.resolve({ message: `Xem {{link:${URL}}}` }),
      batch: () => Promise.reject(new Error('an aggregate click reads no batch')),
      recordClick: () => Promise.reject(new Error('an aggregate click is no recipient’s')),
      recordCampaignClick: (click) => {
        clicks.push(click);
        return Promise.resolve();
      },
      now: () => new Date('2027-07-30T01:00:00Z'),
    };
    return { value, clicks };
  };

  it('redirects and counts a click of the campaign, naming no recipient, batch or carrier', async () => {
    const { value, clicks } = deps(code);
    await expect(followShortLink(value, code)).resolves.toEqual({ kind: 'redirect', target: URL });
    expect(clicks).toEqual([{ code, campaignId: 'c1', aggregate: true }]);
  });

  it('is not found when it is not the code the campaign keeps (a guess with the same prefix)', async () => {
    const { value, clicks } = deps(code);
    await expect(followShortLink(value, aggregateCode('pfx', 'Guess'))).resolves.toBeUndefined();
    await expect(followShortLink(deps(undefined).value, code)).resolves.toBeUndefined();
    expect(clicks).toEqual([]);
  });

  it('adds to the campaign’s clicks only: no unique click, no variant or treatment', () => {
    const click = { code, campaignId: 'c1', aggregate: true as const, firstAt: 'x', lastAt: 'x' };
    const contribution = contributionOf({
      id: 'e1',
      kind: 'click',
      event: 'MODIFY',
      before: { ...click, clicks: 1, lastAt: '2027-07-30T01:00:00.000Z' },
      after: { ...click, clicks: 2, lastAt: '2027-07-30T01:05:00.000Z' },
    });
    expect(contribution?.delta.counters).toMatchObject({ clicks: 1, uniqueClicks: 0 });
    expect(contribution?.delta.counters.byVariant ?? {}).toEqual({});
    expect(contribution?.delta.counters.byTreatment ?? {}).toEqual({});
  });
});
