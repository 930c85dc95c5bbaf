import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger } from '#adapters/logger.js';
import { messageId } from '#core/dispatch/batch.js';
import { startLocalDispatcher } from '#local/dispatcher.js';
import { startTestApi, type TestApi } from '#support/api.js';
import { startSimulatedPartner, type SimulatedPartner } from '#support/partners.js';
import { batchesOf, createAudience, launchCampaign, phone, waitForStatus } from '#support/sending.js';
import { expectStatus, send } from '#support/typed-api.js';
import { postInbound, postReports } from '#support/webhooks.js';

/**
 * Phone numbers are personal data (Law 91/2025/QH15): no log line may hold one in clear. A campaign is
 * sent with every logger at DEBUG, delivery reports and replies come back, a request fails on a phone, and
 * every line written to stdout and stderr is searched for each recipient's number in all its forms.
 */

const PARTNER = 'logs-viettel';
const RECIPIENTS = 40;
const phones = Array.from({ length: RECIPIENTS }, (_, n) => phone('viettel', 4_100_000 + n));
/** `+84981234567`, `84981234567`, `0981234567`: the forms a number is written in. */
const formsOf = (e164: string) => [e164, e164.slice(1), `0${e164.slice(3)}`];

const lines: string[] = [];
const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
const capture = (stream: NodeJS.WriteStream, original: typeof process.stdout.write) => {
  stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    lines.push(...String(chunk).split('\n'));
    return original.call(stream, chunk, ...rest);
  }) as typeof process.stdout.write;
};

let api: TestApi;
let dispatcher: { stop(): Promise<void> };
let partner: SimulatedPartner;

beforeAll(async () => {
  capture(process.stdout, writes.stdout);
  capture(process.stderr, writes.stderr);
  logger.setLogLevel('DEBUG');
  api = await startTestApi();
  dispatcher = await startLocalDispatcher({ pollMs: 50 });
  partner = await startSimulatedPartner(api, { id: PARTNER, carriers: ['viettel'], tps: 500 });
}, 120_000);

afterAll(async () => {
  logger.setLogLevel('SILENT');
  process.stdout.write = writes.stdout;
  process.stderr.write = writes.stderr;
  await dispatcher?.stop();
  await partner?.close();
  await api?.close();
});

describe('logs at DEBUG during a dispatch', () => {
  it('hold no recipient’s phone number in any form', async () => {
    const audience = await createAudience(
      api,
      'Nhật ký',
      phones.map((p) => ({ phone: p })),
    );
    const campaign = await launchCampaign(api, { audienceIds: [audience], partnerIds: [PARTNER] });
    await waitForStatus(api, campaign.id, 'completed', 60_000);

    const rotated = await send(api, 'rotatePartnerSecret', { params: { partnerId: PARTNER } });
    expectStatus(rotated, 200);
    const secret = String(rotated.body.signingSecret);
    const sent = (await batchesOf(campaign.id)).flatMap((b) =>
      b.messages.map((m) => ({ id: messageId(campaign.id, b.seq, m.index), to: m.to })),
    );
    const at = new Date().toISOString();
    await postReports(
      api.url,
      PARTNER,
      secret,
      sent.map((m) => ({ messageId: m.id, status: 'delivered', at })),
    );
    await postInbound(api.url, PARTNER, secret, [
      { id: 'logs-in-1', from: `0${phones[0]?.slice(3) ?? ''}`, text: 'Cảm ơn', at },
      { id: 'logs-in-2', from: phones[1], text: 'TUCHOI', at },
    ]);
    // A phone the import refuses, and one the opt-out route looks up: both echo the number back.
    await send(api, 'importSubscribers', {
      params: { audienceId: audience },
      as: 'officer',
      json: { subscribers: [{ phone: `${phones[2]}999` }] },
    });
    await send(api, 'getOptOut', { params: { phone: encodeURIComponent(phones[3] ?? '') } });

    // No handler logs a phone on purpose, so the search alone would pass without the masking: a line the
    // handlers' logger is given with a number in its message, a key and an error must come out masked.
    const [inMessage = '', inKey = '', inError = ''] = phones.slice(4, 7);
    logger.debug(`Probe for ${inMessage}`, {
      to: inKey,
      error: new Error(`No route to 0${inError.slice(3)}`),
    });
    const probe = lines.filter((line) => line.includes('Probe for'));
    expect(probe).toHaveLength(1);
    expect(probe[0]).toContain(`+84******${inMessage.slice(-3)}`);
    expect(probe[0]).toContain(`0******${inError.slice(-3)}`);

    expect(lines.filter((line) => line.includes('"level":"DEBUG"')).length).toBeGreaterThan(0);
    const leaks = lines.filter((line) => phones.some((p) => formsOf(p).some((form) => line.includes(form))));
    expect(leaks).toEqual([]);
    // Nor a signing secret (issue #18): the rotated one, nor any (created, opened to sign or to verify).
    expect(lines.filter((line) => line.includes(secret.slice('whsec_'.length)))).toEqual([]);
    expect(lines.filter((line) => /whsec_[A-Za-z0-9+/]{20,}/.test(line))).toEqual([]);
  });
});
