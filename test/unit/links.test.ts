import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BatchMessage } from '#core/dispatch/batch.js';
import {
  decodeBase62,
  encodeBase62,
  followShortLink,
  linkPrefixFor,
  linkTarget,
  parseShortCode,
  randomBase62,
  safeTarget,
  shortCode,
  shortCodeMaker,
  type ClickRecord,
  type LinkDeps,
} from '#core/links.js';
import { DEFAULT_SHORT_LINK_LENGTH, SHORT_CODE_LENGTH, shortLinkLength } from '#core/sms-encoding.js';

describe('base62', () => {
  it.each([
    [0, '0'],
    [61, 'z'],
    [62, '10'],
    [238_327, 'zzz'],
    [900_000_000, 'yuJ72'],
    [999_999_999, '15ftgF'],
  ])('%i ⇄ %s', (value, text) => {
    expect(encodeBase62(value)).toBe(text);
    expect(decodeBase62(text)).toBe(value);
  });

  it('pads to a minimum length and still decodes', () => {
    expect(encodeBase62(7, 4)).toBe('0007');
    expect(decodeBase62('0007')).toBe(7);
  });

  it.each(['', 'a-b', 'ả', ' 1'])('does not decode %j', (text) => {
    expect(decodeBase62(text)).toBeUndefined();
  });
});

describe('short codes', () => {
  it('are prefix + 5 random characters + the batch number, 12 characters for a normal campaign', () => {
    const code = shortCode('aB3', 'xYz09', 1234);
    expect(code).toBe(`aB3xYz09${encodeBase62(1234, 4)}`);
    expect(code).toHaveLength(SHORT_CODE_LENGTH);
    expect(parseShortCode(code)).toEqual({ prefix: 'aB3', random: 'xYz09', seq: 1234 });
  });

  it('grow past 12 characters only for test batches and campaigns over 14.7 million batches', () => {
    expect(shortCode('aB3', 'xYz09', 62 ** 4 - 1)).toHaveLength(12);
    expect(shortCode('aB3', 'xYz09', 62 ** 4)).toHaveLength(13);
    const test = shortCode('aB3', 'xYz09', 950_000_000);
    expect(parseShortCode(test)).toEqual({ prefix: 'aB3', random: 'xYz09', seq: 950_000_000 });
  });

  it.each([
    ['too short', 'aB3xYz09000'],
    ['too long', 'aB3xYz09000000000'],
    ['not base62', 'aB3xY-09001A'],
    ['accented', 'aB3xYz09001ả'],
    ['a batch number past 9 digits', `aB3xYz09${encodeBase62(1_000_000_000)}`],
    ['empty', ''],
  ])('rejects a code that is %s', (_why, code) => {
    expect(parseShortCode(code)).toBeUndefined();
  });

  it('derives the same prefix for the same campaign and attempt, another for the next attempt', () => {
    const first = linkPrefixFor('01J0CAMPAIGN', 0);
    expect(first).toMatch(/^[0-9A-Za-z]{3}$/);
    expect(linkPrefixFor('01J0CAMPAIGN', 0)).toBe(first);
    const others = new Set(Array.from({ length: 10 }, (_, n) => linkPrefixFor('01J0CAMPAIGN', n + 1)));
    expect(others.size).toBeGreaterThan(1);
    expect(linkPrefixFor('01J0OTHER', 0)).not.toBe(first);
  });

  it('draws random characters evenly from all 62, skipping the bytes that would bias them', () => {
    expect(randomBase62(5, () => Uint8Array.from([255, 248, 0, 61, 62, 247, 1]))).toBe('0z0z1');
    const counts = new Map<string, number>();
    for (const char of randomBase62(62_000, randomBytes)) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const count of counts.values()) expect(count).toBeGreaterThan(700);
  });

  it('never gives two messages of one batch the same code, even when the random source repeats', () => {
    const parts = ['AAAAA', 'AAAAA', 'BBBBB', 'AAAAA', 'BBBBB', 'CCCCC'];
    let n = 0;
    const next = shortCodeMaker('pfx', () => parts[n++ % parts.length] ?? '');
    const batch7 = [next(7), next(7), next(7)];
    expect(new Set(batch7).size).toBe(3);
    expect(batch7.map((code) => parseShortCode(code)?.seq)).toEqual([7, 7, 7]);
  });

  it('counts the real code length in the SMS estimate', () => {
    expect(DEFAULT_SHORT_LINK_LENGTH).toBe(`http://localhost:3000/l/${shortCode('abc', 'defgh', 0)}`.length);
    expect(shortLinkLength('https://s.gov.vn')).toBe('https://s.gov.vn/l/'.length + 12);
  });
});

describe('link target', () => {
  it('is the first {{link:URL}} of the message', () => {
    expect(linkTarget('Gọi 111 {{link:https://example.gov.vn/111}} {{link:https://b.vn}}')).toBe(
      'https://example.gov.vn/111',
    );
    expect(linkTarget('Không có liên kết')).toBeUndefined();
  });

  it('only follows http and https addresses', () => {
    expect(safeTarget('https://example.gov.vn/111')).toBe('https://example.gov.vn/111');
    // Made ASCII, as a Location header must be.
    expect(safeTarget('https://ví-dụ.vn/tìm')).toMatch(/^https:\/\/xn--[\w-]+\.vn\/t%C3%ACm$/);
    expect(safeTarget('javascript:alert(1)')).toBeUndefined();
    expect(safeTarget('not a url')).toBeUndefined();
  });
});

describe('followShortLink', () => {
  const code = shortCode('pfx', 'Rnd01', 3);
  const message: BatchMessage = {
    index: 4,
    to: '+84981234567',
    carrier: 'viettel',
    province: 'Bắc Kạn',
    code,
    state: 'pending',
  };
  const deps = (overrides: Partial<LinkDeps> = {}) => {
    const clicks: ClickRecord[] = [];
    const value: LinkDeps = {
      campaignOfPrefix: (prefix) => Promise.resolve(prefix === 'pfx' ? { campaignId: 'c1' } : undefined),
      campaignContent: () => Promise.resolve({ message: 'Xem {{link:https://example.gov.vn/111}}' }),
      batch: (_id, seq) =>
        Promise.resolve(
          seq === 3 ? { messages: [{ ...message, i: 0, code: undefined }, message], test: false } : undefined,
        ),
      recordClick: (click) => {
        clicks.push(click);
        return Promise.resolve();
      },
      recordCampaignClick: () => Promise.reject(new Error('not an aggregate link')),
      now: () => new Date('2027-07-30T01:00:00Z'),
      ...overrides,
    };
    return { value, clicks };
  };

  it('counts the click of the recipient whose code it is and leads to the campaign URL', async () => {
    const { value, clicks } = deps();
    await expect(followShortLink(value, code)).resolves.toEqual({
      kind: 'redirect',
      target: 'https://example.gov.vn/111',
    });
    expect(clicks).toEqual([
      { code, campaignId: 'c1', seq: 3, index: 4, carrier: 'viettel', province: 'Bắc Kạn' },
    ]);
  });

  it('shows a test send’s link as a preview of its target and counts nothing', async () => {
    const { value, clicks } = deps({ batch: () => Promise.resolve({ messages: [message], test: true }) });
    await expect(followShortLink(value, code)).resolves.toEqual({
      kind: 'test-preview',
      target: 'https://example.gov.vn/111',
    });
    expect(clicks).toEqual([]);
  });

  it.each([
    ['a changed random character', shortCode('pfx', 'Rnd02', 3)],
    ['an unknown prefix', shortCode('zzz', 'Rnd01', 3)],
    ['an unknown batch', shortCode('pfx', 'Rnd01', 4)],
    ['a malformed code', 'pfx!'],
  ])('finds nothing and counts nothing for %s', async (_why, other) => {
    const { value, clicks } = deps();
    await expect(followShortLink(value, other)).resolves.toBeUndefined();
    expect(clicks).toEqual([]);
  });

  it('finds nothing when the campaign message has no safe link', async () => {
    const { value, clicks } = deps({
      campaignContent: () => Promise.resolve({ message: '{{link:javascript:alert(1)}}' }),
    });
    await expect(followShortLink(value, code)).resolves.toBeUndefined();
    expect(clicks).toEqual([]);
  });
});
