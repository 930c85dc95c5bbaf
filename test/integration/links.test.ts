import { expectStatus, send } from '#support/typed-api.js';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient, tableName } from '#adapters/clients.js';
import { keys } from '#adapters/table.js';
import { SHORT_CODE_LENGTH } from '#core/sms-encoding.js';
import type { TestApi } from '#support/api.js';
import { startSendingStack, type SendingStack } from '#support/stack.js';
import {
  batchesOf,
  completedBatches,
  launchCampaignTo,
  phone,
  subscribers,
  waitFor,
} from '#support/sending.js';

/**
 * Short links (contract §9) end to end: a campaign with a `{{link:URL}}` sent through a simulated partner,
 * then `GET /l/{code}` as a recipient's phone would open it (no token, redirects not followed).
 */

let api: TestApi;
let stack: SendingStack;
const TARGET = 'https://example.gov.vn/111';

beforeAll(async () => {
  stack = await startSendingStack({ id: 'links-viettel', carriers: ['viettel'], tps: 200 });
  api = stack.api;
});

afterAll(() => stack?.stop());

const open = (code: string) => fetch(`${api.url}/l/${code}`, { redirect: 'manual' });

const clickItem = async (code: string) =>
  (await dynamoDocumentClient().send(new GetCommand({ TableName: tableName(), Key: keys.click(code) }))).Item;

/** The same code with its `at`-th character swapped for another base62 one. */
const changed = (code: string, at: number) =>
  code.slice(0, at) + (code[at] === 'a' ? 'b' : 'a') + code.slice(at + 1);

const expectNotFoundPage = async (response: Response) => {
  expectStatus(response, 404);
  expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(await response.text()).toContain('Không tìm thấy liên kết');
};

describe('short links', () => {
  let campaignId: string;
  let codes: string[];

  beforeAll(async () => {
    const campaign = await launchCampaignTo(
      api,
      'Liên kết',
      subscribers('viettel', 3_000_000, 30, 'Bắc Kạn'),
      {
        partnerIds: [stack.partner.id],
        message: `Canh giac mua ban nguoi. Goi 111. {{link:${TARGET}}}`,
        clickTracking: 'recipient',
      },
    );
    campaignId = String(campaign.id);
    codes = (await completedBatches(api, campaignId, 30_000)).flatMap((b) =>
      b.messages.map((m) => m.code ?? ''),
    );
  });

  it('gives every recipient a distinct code of the estimated length, sent in the text', () => {
    expect(codes).toHaveLength(30);
    expect(new Set(codes).size).toBe(30);
    for (const code of codes) expect(code).toMatch(new RegExp(`^[0-9A-Za-z]{${SHORT_CODE_LENGTH}}$`));
    // Every code of a campaign starts with its reserved prefix.
    expect(new Set(codes.map((code) => code.slice(0, 3))).size).toBe(1);
  });

  it('redirects each click to the campaign URL without a token and counts both clicks of one recipient', async () => {
    const code = codes[7] ?? '';
    for (let click = 1; click <= 2; click++) {
      const response = await open(code);
      expectStatus(response, 302);
      expect(response.headers.get('location')).toBe(TARGET);
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    const item = await clickItem(code);
    expect(item).toMatchObject({
      entity: 'Click',
      campaignId,
      clicks: 2,
      carrier: 'viettel',
      province: 'Thái Nguyên',
    });
    expect(typeof item?.seq).toBe('number');
    expect(typeof item?.i).toBe('number');
    expect(item?.firstAt <= item?.lastAt).toBe(true);
    expect(item).not.toHaveProperty('test');
    // Another recipient's click is counted on its own item.
    expect((await open(codes[8] ?? '')).status).toBe(302);
    expect(await clickItem(codes[8] ?? '')).toMatchObject({ clicks: 1 });
  });

  it('answers a code with one random character changed with the 404 page, and counts nothing', async () => {
    const code = codes[3] ?? '';
    for (const at of [3, 7]) {
      const guess = changed(code, at);
      await expectNotFoundPage(await open(guess));
      expect(await clickItem(guess)).toBeUndefined();
    }
    expect(await clickItem(code)).toBeUndefined();
  });

  it.each([
    ['malformed', 'abc'],
    ['not base62', 'abcdefgh-123'],
    ['too long', 'a'.repeat(200)],
    ['unknown prefix', '000000000000'],
    ['percent-encoded junk', '%E1%BA%A3'],
  ])('answers a %s code with the 404 page', async (_why, code) => {
    await expectNotFoundPage(await open(code));
  });

  it('shows a test send’s link as a preview page naming the target, without redirecting or counting', async () => {
    const sent = await send(api, 'testCampaign', {
      params: { campaignId },
      as: 'officer',
      json: { phones: [phone('viettel', 3_100_000)] },
    });
    expectStatus(sent, 202);
    let testCode = '';
    await waitFor('the test batch', async () => {
      const test = (await batchesOf(campaignId)).find((b) => b.test);
      testCode = test?.messages[0]?.code ?? '';
      return testCode !== '';
    });
    // The same reserved prefix: a restarted or later maker of the campaign finds it again.
    expect(testCode.slice(0, 3)).toBe(codes[0]?.slice(0, 3));
    const response = await open(testCode);
    expectStatus(response, 200);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain(TARGET);
    expect(await clickItem(testCode)).toBeUndefined();
  });
});
