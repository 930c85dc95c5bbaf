import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isOptOutReply } from '#core/webhooks/inbound.js';
import { startLocalDispatcher } from '#local/dispatcher.js';
import { OPT_OUT_REPLY_TEXTS, OTHER_REPLY_TEXTS } from '#local/simulators/carrier-rules.js';
import {
  SIMULATOR_DEFINITIONS,
  createCarrierSimulator,
  startCarrierSimulators,
  type CarrierSimulator,
  type CarrierSimulatorOptions,
} from '#local/simulators/index.js';
import { signedHeaders, type DeliveryReport } from '#local/simulators/delivery-reports.js';
import { startTestApi, type TestApi } from '#support/api.js';
import { createAudience, launchCampaign, phone, waitForStatus } from '#support/sending.js';
import { expectStatus, send } from '#support/typed-api.js';
import { closeServer, listenLocally } from '#local/http-server.js';

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
const SECRET = newSecret();
const T0 = Date.parse('2027-07-30T01:00:00.000Z');

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

const simulator = async (options: Partial<CarrierSimulatorOptions> = {}): Promise<CarrierSimulator> => {
  const sim = await createCarrierSimulator({
    partnerId: 'sim-test',
    tps: 1000,
    signingSecret: SECRET,
    latencyMs: 0,
    seed: 1,
    ...options,
  });
  cleanups.push(() => sim.close());
  return sim;
};

const messageIds = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

const smsSend = (ids: readonly string[]) =>
  JSON.stringify({
    type: 'sms.send',
    timestamp: new Date().toISOString(),
    data: {
      batchId: randomUUID(),
      campaignId: 'campaign-1',
      messages: ids.map((messageId, i) => ({
        messageId,
        to: `+8498${String(1_000_000 + i).slice(-7)}`,
        senderId: 'BOCONGAN',
        text: 'Cảnh giác với lời mời việc nhẹ lương cao. Gọi 111.',
        encoding: 'UCS-2',
        segments: 1,
      })),
    },
  });

interface Delivery {
  webhookId?: string;
  secret?: string;
  signedAt?: Date;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** POSTs a batch as our dispatcher does: signed with the partner's secret, a webhook-id per batch. */
const deliver = async (sim: CarrierSimulator, ids: readonly string[], delivery: Delivery = {}) => {
  const body = smsSend(ids);
  const headers =
    delivery.headers ??
    signedHeaders(
      delivery.secret ?? SECRET,
      delivery.webhookId ?? `msg_${randomUUID()}`,
      body,
      delivery.signedAt,
    );
  const response = await fetch(sim.url, { method: 'POST', headers, body, signal: delivery.signal ?? null });
  return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
};

const control = async (sim: CarrierSimulator, method: string, path: string, json?: unknown) => {
  const response = await fetch(`${sim.url}/_sim/${path}`, {
    method,
    ...(json === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) }),
  });
  return {
    status: response.status,
    body: response.status === 204 ? undefined : ((await response.json()) as unknown),
  };
};

const waitFor = async (condition: () => boolean, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

interface ReceivedReports {
  webhookId: string;
  reports: DeliveryReport[];
}

interface InboundMessage {
  id: string;
  from: string;
  text: string;
  at: string;
}

/**
 * Our API's delivery-report and inbound endpoints, reduced to verifying the signature and keeping what
 * came (`paths`: the path of each request kept, in order).
 */
const reportReceiver = async (secret: string, statuses: number[] = []) => {
  const verifier = new Webhook(secret);
  const received: ReceivedReports[] = [];
  const inbound: InboundMessage[] = [];
  const paths: string[] = [];
  const attempts: string[] = [];
  const refused: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers = Object.fromEntries(
        ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [
          name,
          String(request.headers[name]),
        ]),
      );
      attempts.push(headers['webhook-id'] ?? '');
      const status = statuses.shift() ?? 200;
      try {
        const payload = verifier.verify(Buffer.concat(chunks).toString('utf8'), headers) as {
          reports?: DeliveryReport[];
          messages?: InboundMessage[];
        };
        const kind = request.url?.endsWith('/inbound') ? 'inbound' : 'reports';
        if (status === 200) paths.push(request.url ?? '');
        if (status === 200 && kind === 'inbound') inbound.push(...(payload.messages ?? []));
        if (status === 200 && kind === 'reports')
          received.push({ webhookId: headers['webhook-id'] ?? '', reports: payload.reports ?? [] });
        response.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      } catch (error) {
        refused.push(String(error));
        response.writeHead(401).end();
      }
    });
  });
  const url = await listenLocally(server);
  cleanups.push(() => closeServer(server));
  const base = `${url}/v1/webhooks/sim-test`;
  return {
    url: `${base}/delivery-reports`,
    inboundUrl: `${base}/inbound`,
    received,
    inbound,
    paths,
    attempts,
    refused,
    reports: () => received.flatMap((request) => request.reports),
  };
};

describe('carrier simulator: batches', () => {
  it('accepts a correctly signed batch with 200 and counts its messages', async () => {
    const sim = await simulator();
    const answer = await deliver(sim, messageIds('m', 3));
    expect(answer).toMatchObject({ status: 200, body: { rejected: [] } });
    expect(sim.counters()).toMatchObject({
      requests: 1,
      received: 3,
      accepted: 3,
      rejected: 0,
      throttled: 0,
      badSignatures: 0,
      maxPerSecond: 3,
      secondsOverTps: 0,
    });
    expect(Object.values(sim.counters().perSecond)).toEqual([3]);
  });

  it('refuses a batch signed with another secret or not signed at all with 401, taking nothing', async () => {
    const sim = await simulator();
    const forged = await deliver(sim, messageIds('m', 2), { secret: newSecret() });
    const unsigned = await deliver(sim, messageIds('m', 2), {
      headers: { 'content-type': 'application/json' },
    });
    expect(forged).toMatchObject({ status: 401, body: { error: { code: 'invalid_signature' } } });
    expectStatus(unsigned, 401);
    expect(sim.counters()).toMatchObject({ requests: 2, badSignatures: 2, received: 0, accepted: 0 });
  });

  it('refuses a signature more than 5 minutes old with 401', async () => {
    const sim = await simulator();
    const answer = await deliver(sim, messageIds('m', 1), { signedAt: new Date(Date.now() - 6 * 60_000) });
    expect(answer).toMatchObject({ status: 401, body: { error: { message: 'Message timestamp too old' } } });
    expect(sim.counters().badSignatures).toBe(1);
  });

  it('answers 401 until it is given the secret our API issued at registration', async () => {
    const sim = await simulator({ signingSecret: undefined });
    expect((await deliver(sim, messageIds('m', 1))).status).toBe(401);
    sim.setSecret(SECRET);
    expect((await deliver(sim, messageIds('m', 1))).status).toBe(200);
  });

  it('answers 429 with Retry-After: 1 to a batch that would exceed tps in this second, and takes none of it', async () => {
    const sim = await simulator({ tps: 5, now: () => T0 + 400 });
    expect((await deliver(sim, messageIds('a', 4))).status).toBe(200);
    const over = await deliver(sim, messageIds('b', 2));
    expectStatus(over, 429);
    expect(over.headers.get('retry-after')).toBe('1');
    expect(over.body).toMatchObject({ error: { code: 'rate_limited' } });
    expect((await deliver(sim, messageIds('c', 1))).status).toBe(200);
    expect(sim.counters()).toMatchObject({
      received: 7,
      accepted: 5,
      throttled: 2,
      perSecond: { [T0 / 1000]: 5 },
      maxPerSecond: 5,
      secondsOverTps: 0,
    });
  });

  it('counts a batch at its arrival, not when its body has been read, verified and parsed', async () => {
    let clock = T0 + 100;
    const sim = await simulator({ tps: 5, now: () => clock });
    // The first batch's headers arrive at T0 + 100; its body only after the clock has moved on by 1.5 s.
    const body = smsSend(messageIds('slow', 4));
    const slow = request(sim.url, { method: 'POST', headers: signedHeaders(SECRET, 'msg_slow', body) });
    const answered = new Promise<number>((done) => slow.on('response', (r) => done(r.statusCode ?? 0)));
    slow.flushHeaders();
    await vi.waitFor(() => expect(sim.counters().requests).toBe(1));
    clock = T0 + 1_600;
    slow.end(body);
    expect(await answered).toBe(200);
    // 1.5 s after the first batch arrived: a rolling second holds only this one.
    expect((await deliver(sim, messageIds('next', 4))).status).toBe(200);
    expect(sim.counters()).toMatchObject({ accepted: 8, throttled: 0, maxOfferedInAnySecond: 4 });
  });

  it('counts a messageId handed over again under a new webhook-id as a duplicate', async () => {
    const sim = await simulator();
    await deliver(sim, ['m-1', 'm-2']);
    expect((await deliver(sim, ['m-2', 'm-3'])).status).toBe(200);
    expect(sim.counters()).toMatchObject({ accepted: 4, duplicates: 1, replays: 0 });
  });

  it('answers a retry with the same webhook-id as the first time, counted as a replay and not as duplicates', async () => {
    const sim = await simulator({ rejectRate: 0.5 });
    const first = await deliver(sim, messageIds('m', 10), { webhookId: 'msg_batch-1' });
    const retry = await deliver(sim, messageIds('m', 10), { webhookId: 'msg_batch-1' });
    expect(retry).toEqual({ ...first, headers: retry.headers });
    expect((first.body as { rejected: unknown[] }).rejected.length).toBeGreaterThan(0);
    expect(sim.counters()).toMatchObject({ requests: 2, received: 20, replays: 1, duplicates: 0 });
    expect(sim.counters().accepted + sim.counters().rejected).toBe(10);
  });

  it('refuses single messages in the 200 answer at rejectRate, with a reason', async () => {
    const sim = await simulator({ rejectRate: 0.3, seed: 5 });
    const answer = await deliver(sim, messageIds('m', 100));
    const rejected = (answer.body as { rejected: { messageId: string; reason: string }[] }).rejected;
    expectStatus(answer, 200);
    expect(rejected.length).toBeGreaterThan(15);
    expect(rejected.length).toBeLessThan(45);
    expect(rejected[0]).toEqual({ messageId: expect.stringMatching(/^m-/), reason: expect.any(String) });
    expect(sim.counters()).toMatchObject({ accepted: 100 - rejected.length, rejected: rejected.length });
  });

  it('refuses a batch over maxBatchSize or not following the contract with 400', async () => {
    const sim = await simulator({ maxBatchSize: 5 });
    expect(await deliver(sim, messageIds('m', 6))).toMatchObject({
      status: 400,
      body: { error: { code: 'batch_too_large' } },
    });
    const body = JSON.stringify({ type: 'sms.send', data: { messages: [] } });
    const response = await fetch(sim.url, {
      method: 'POST',
      headers: signedHeaders(SECRET, 'msg_x', body),
      body,
    });
    expectStatus(response, 400);
    expect(await response.json()).toMatchObject({ error: { code: 'validation_failed' } });
  });
});

describe('carrier simulator: modes', () => {
  it('fail500 answers 500 and takes nothing; back in ok the same webhook-id is accepted', async () => {
    const sim = await simulator();
    sim.setMode('fail500');
    expect((await deliver(sim, messageIds('m', 2), { webhookId: 'msg_1' })).status).toBe(500);
    sim.setMode('ok');
    expect((await deliver(sim, messageIds('m', 2), { webhookId: 'msg_1' })).status).toBe(200);
    expect(sim.counters()).toMatchObject({ accepted: 2, replays: 0 });
  });

  it('reject400 refuses the whole batch with 400', async () => {
    const sim = await simulator();
    sim.setMode('reject400');
    expect(await deliver(sim, messageIds('m', 3))).toMatchObject({
      status: 400,
      body: { error: { code: 'batch_rejected' } },
    });
    expect(sim.counters()).toMatchObject({ rejected: 3, accepted: 0 });
  });

  it('down drops the connection without an answer', async () => {
    const sim = await simulator();
    sim.setMode('down');
    await expect(deliver(sim, messageIds('m', 1))).rejects.toThrow(/fetch failed/);
    expect(sim.counters()).toMatchObject({ requests: 1, received: 0 });
  });

  it('timeout never answers, so the client gives up; close() still returns at once', async () => {
    const sim = await simulator();
    sim.setMode('timeout');
    await expect(deliver(sim, messageIds('m', 1), { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(sim.counters()).toMatchObject({ requests: 1, accepted: 0 });
    const started = Date.now();
    await sim.close();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('slow accepts but answers after 3 s; the retry after a client timeout is a replay, not a duplicate', async () => {
    const sim = await simulator();
    sim.setMode('slow');
    const options = { webhookId: 'msg_slow', signal: AbortSignal.timeout(300) };
    await expect(deliver(sim, messageIds('m', 4), options)).rejects.toThrow();
    sim.setMode('ok');
    expect((await deliver(sim, messageIds('m', 4), { webhookId: 'msg_slow' })).status).toBe(200);
    expect(sim.counters()).toMatchObject({ accepted: 4, replays: 1, duplicates: 0 });
  });

  it('is driven over HTTP: /_sim/mode, /_sim/counters and /_sim/reset', async () => {
    const sim = await simulator();
    await deliver(sim, messageIds('m', 2));
    expect(await control(sim, 'POST', 'mode', { mode: 'fail500' })).toEqual({
      status: 200,
      body: { mode: 'fail500' },
    });
    expect((await deliver(sim, messageIds('n', 1))).status).toBe(500);
    expect(await control(sim, 'GET', 'counters')).toMatchObject({
      status: 200,
      body: { partnerId: 'sim-test', mode: 'fail500', counters: { requests: 2, received: 3, accepted: 2 } },
    });
    expect((await control(sim, 'POST', 'mode', { mode: 'sleepy' })).status).toBe(400);
    expect((await control(sim, 'POST', 'reset')).status).toBe(204);
    expect(sim.mode()).toBe('ok');
    expect(sim.counters()).toMatchObject({ requests: 0, received: 0, accepted: 0, perSecond: {} });
    expect((await control(sim, 'GET', 'nothing')).status).toBe(404);
  });
});

describe('carrier simulator: delivery reports', () => {
  it('posts signed reports for every accepted message, up to 1,000 per request, split by successRate', async () => {
    const receiver = await reportReceiver(SECRET);
    // One batch of 1,500: its reports are due together whatever the machine's speed (three batches of 500
    // were due together only if all three arrived within the report delay, which a loaded machine missed).
    const sim = await simulator({
      tps: 10_000,
      maxBatchSize: 1500,
      successRate: 0.8,
      seed: 42,
      reportDelayMs: 300,
      reportUrl: receiver.url,
    });
    await deliver(sim, messageIds('a', 1500));
    await waitFor(() => sim.counters().reportsPosted === 1500);

    expect(receiver.refused).toEqual([]);
    expect(receiver.received.map((request) => request.reports.length)).toEqual([1000, 500]);
    const reports = receiver.reports();
    expect(new Set(reports.map((r) => r.messageId)).size).toBe(1500);
    const delivered = reports.filter((r) => r.status === 'delivered').length;
    expect(delivered / 1500).toBeGreaterThan(0.76);
    expect(delivered / 1500).toBeLessThan(0.84);
    expect(reports.filter((r) => r.status === 'failed').every((r) => typeof r.errorCode === 'string')).toBe(
      true,
    );
    expect(reports.every((r) => !Number.isNaN(Date.parse(r.at)))).toBe(true);
    expect(sim.counters()).toMatchObject({ reportsPosted: 1500, reportsFailed: 0 });
  });

  it('reports the same outcomes for the same seed', async () => {
    const outcomes = async () => {
      const receiver = await reportReceiver(SECRET);
      const sim = await simulator({ successRate: 0.5, seed: 9, reportDelayMs: 0, reportUrl: receiver.url });
      await deliver(sim, messageIds('m', 50));
      await waitFor(() => sim.counters().reportsPosted === 50);
      return receiver.reports().map(({ messageId, status, errorCode }) => ({ messageId, status, errorCode }));
    };
    expect(await outcomes()).toEqual(await outcomes());
  });

  it('retries a report request our API answered 503 with the same webhook-id, and gives up on a 400', async () => {
    const receiver = await reportReceiver(SECRET, [503, 503]);
    const sim = await simulator({ reportDelayMs: 0, reportRetryDelayMs: 10, reportUrl: receiver.url });
    await deliver(sim, messageIds('m', 5));
    await waitFor(() => sim.counters().reportsPosted === 5);
    expect(receiver.attempts).toHaveLength(3);
    expect(new Set(receiver.attempts).size).toBe(1);
    expect(receiver.received).toHaveLength(1);

    const refusing = await reportReceiver(SECRET, [400]);
    const other = await simulator({ reportDelayMs: 0, reportRetryDelayMs: 10, reportUrl: refusing.url });
    await deliver(other, messageIds('m', 3));
    await waitFor(() => other.counters().reportsFailed === 3);
    expect(refusing.attempts).toHaveLength(1);
    expect(other.counters().reportsPosted).toBe(0);
  });

  it('gives up after a few attempts when our API cannot be reached', async () => {
    const sim = await simulator({
      reportDelayMs: 0,
      reportRetryDelayMs: 10,
      reportUrl: 'http://127.0.0.1:9/v1/webhooks/sim-test/delivery-reports',
    });
    await deliver(sim, messageIds('m', 2));
    await waitFor(() => sim.counters().reportsFailed === 2);
  });

  it('posts nothing without a reportUrl', async () => {
    const sim = await simulator({ reportDelayMs: 0 });
    await deliver(sim, messageIds('m', 2));
    await sim.settled();
    expect(sim.counters()).toMatchObject({ reportsPosted: 0, reportsFailed: 0 });
  });

  it('settles once every scheduled report has been posted, however late', async () => {
    const receiver = await reportReceiver(SECRET);
    const sim = await simulator({ reportDelayMs: 300, reportUrl: receiver.url });
    await deliver(sim, messageIds('m', 3));
    await sim.settled();
    expect(sim.counters()).toMatchObject({ reportsPosted: 3, reportsFailed: 0 });
  });
});

describe('carrier simulator: subscribers’ replies', () => {
  it('posts signed replies from the recipients of delivered messages, after their delivery reports', async () => {
    const receiver = await reportReceiver(SECRET);
    const sim = await simulator({
      successRate: 0.8,
      seed: 7,
      replyRate: 1,
      optOutShare: 0.5,
      reportDelayMs: 0,
      replyDelayMs: 0,
      reportUrl: receiver.url,
      inboundUrl: receiver.inboundUrl,
    });
    const ids = messageIds('m', 40);
    const body = JSON.parse(smsSend(ids)) as { data: { messages: { messageId: string; to: string }[] } };
    const phoneOf = new Map(body.data.messages.map(({ messageId, to }) => [messageId, to]));
    const headers = signedHeaders(SECRET, `msg_${randomUUID()}`, JSON.stringify(body));
    expect((await fetch(sim.url, { method: 'POST', headers, body: JSON.stringify(body) })).status).toBe(200);
    await waitFor(() => sim.counters().reportsPosted === 40);
    const delivered = receiver.reports().filter((r) => r.status === 'delivered');
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered.length).toBeLessThan(40);
    await waitFor(() => sim.counters().repliesPosted === delivered.length);

    expect(receiver.refused).toEqual([]);
    const replies = receiver.inbound;
    expect(replies.map((r) => r.from).sort()).toEqual(delivered.map((r) => phoneOf.get(r.messageId)).sort());
    expect(replies.every((r) => Object.keys(r).sort().join() === 'at,from,id,text')).toBe(true);
    expect(new Set(replies.map((r) => r.id)).size).toBe(replies.length);
    expect(replies.every((r) => !Number.isNaN(Date.parse(r.at)))).toBe(true);
    const texts: readonly string[] = [...OPT_OUT_REPLY_TEXTS, ...OTHER_REPLY_TEXTS];
    expect(replies.every((r) => texts.includes(r.text))).toBe(true);
    const optOuts = replies.filter((r) => isOptOutReply(r.text)).length;
    expect(optOuts).toBeGreaterThan(0);
    expect(optOuts).toBeLessThan(replies.length);
    expect(receiver.paths).toEqual([
      '/v1/webhooks/sim-test/delivery-reports',
      '/v1/webhooks/sim-test/inbound',
    ]);
    expect(sim.counters()).toMatchObject({
      repliesPosted: delivered.length,
      optOutRepliesPosted: optOuts,
      repliesFailed: 0,
    });
  });

  it('posts no replies unless given a replyRate, and counts replies our API refuses as failed', async () => {
    const receiver = await reportReceiver(SECRET);
    const quiet = await simulator({
      reportDelayMs: 0,
      reportUrl: receiver.url,
      inboundUrl: receiver.inboundUrl,
    });
    await deliver(quiet, messageIds('m', 20));
    await quiet.settled();
    expect(quiet.counters().reportsPosted).toBe(20);
    expect(receiver.inbound).toEqual([]);
    expect(quiet.counters()).toMatchObject({ repliesPosted: 0, repliesFailed: 0 });

    // The report is answered 200, the reply 400: given up on at once.
    const refusing = await reportReceiver(SECRET, [200, 400]);
    const sim = await simulator({
      successRate: 1,
      replyRate: 1,
      reportDelayMs: 0,
      replyDelayMs: 0,
      reportRetryDelayMs: 10,
      reportUrl: refusing.url,
      inboundUrl: refusing.inboundUrl,
    });
    await deliver(sim, messageIds('m', 3));
    await waitFor(() => sim.counters().repliesFailed === 3);
    expect(sim.counters()).toMatchObject({ reportsPosted: 3, repliesPosted: 0 });
    expect(refusing.attempts).toHaveLength(2);
  });
});

describe('carrier simulator: replies to a real campaign', () => {
  let api: TestApi;
  let dispatcher: { stop(): Promise<void> };

  beforeAll(async () => {
    api = await startTestApi();
    dispatcher = await startLocalDispatcher({ pollMs: 50 });
  });

  afterAll(async () => {
    await dispatcher?.stop();
    await api?.close();
  });

  it('are accepted by our API: listed as the campaign’s replies, opt-outs opting the phones out', async () => {
    const partnerId = 'sim-replies';
    const sim = await simulator({
      partnerId,
      signingSecret: undefined,
      tps: 500,
      successRate: 1,
      seed: 3,
      replyRate: 1,
      optOutShare: 0.5,
      reportDelayMs: 0,
      replyDelayMs: 0,
      reportUrl: `${api.url}/v1/webhooks/${partnerId}/delivery-reports`,
      inboundUrl: `${api.url}/v1/webhooks/${partnerId}/inbound`,
    });
    const registered = await send(api, 'putPartner', {
      params: { partnerId },
      json: { name: 'Sim', webhookUrl: sim.url, carriers: ['viettel'], tps: 500, senderId: 'BOCONGAN' },
    });
    expectStatus(registered, 201);
    sim.setSecret(String(registered.body.signingSecret));
    const phones = Array.from({ length: 40 }, (_, n) => phone('viettel', 5_000_000 + n));
    const audience = await createAudience(
      api,
      'Simulated replies',
      phones.map((p) => ({ phone: p })),
    );
    const campaign = await launchCampaign(api, { audienceIds: [audience], partnerIds: [partnerId] });
    const campaignId = String(campaign.id);
    await waitForStatus(api, campaignId, 'completed', 30_000);
    await waitFor(() => sim.counters().repliesPosted === 40, 20_000);
    expect(sim.counters()).toMatchObject({ reportsPosted: 40, reportsFailed: 0, repliesFailed: 0 });

    const listed = await send(api, 'listCampaignReplies', {
      params: { campaignId },
      query: { limit: '100' },
      as: 'officer',
    });
    expectStatus(listed, 200);
    const replies = listed.body.items as {
      partnerId: string;
      from: string;
      campaignId: string;
      optOut: boolean;
    }[];
    expect(replies).toHaveLength(40);
    expect(replies.map((r) => r.from).sort()).toEqual([...phones].sort());
    expect(replies.every((r) => r.partnerId === partnerId && r.campaignId === campaignId)).toBe(true);
    const optedOut = replies.filter((r) => r.optOut).map((r) => r.from);
    expect(optedOut.length).toBe(sim.counters().optOutRepliesPosted);
    expect(optedOut.length).toBeGreaterThan(0);
    expect(optedOut.length).toBeLessThan(40);

    for (const from of optedOut) {
      const optOut = await send(api, 'getOptOut', { params: { phone: encodeURIComponent(from) } });
      expectStatus(optOut, 200);
      expect(optOut.body).toMatchObject({ phone: from, source: 'sms' });
    }
    const stayed = replies.find((r) => !r.optOut);
    if (!stayed) throw new Error('every reply was an opt-out');
    expect(
      (await send(api, 'getOptOut', { params: { phone: encodeURIComponent(stayed.from) } })).status,
    ).toBe(404);
  });
});

describe('startCarrierSimulators', () => {
  it('starts one simulator per carrier group, reporting to our API, each answering once given its secret', async () => {
    const running = await startCarrierSimulators({ apiUrl: 'http://127.0.0.1:9', env: {} });
    cleanups.push(() => running.stop());
    expect(running.simulators.map(({ definition }) => definition.id)).toEqual([
      'sim-viettel',
      'sim-vnpt',
      'sim-mobifone',
      'sim-other',
    ]);
    expect(new Set(running.simulators.map(({ simulator }) => simulator.url)).size).toBe(4);

    const secret = newSecret();
    running.setSecret('sim-vnpt', secret);
    const vnpt = running.simulators[1]?.simulator;
    if (!vnpt) throw new Error('sim-vnpt missing');
    expect((await deliver(vnpt, messageIds('m', 1), { secret })).status).toBe(200);
    expect(() => running.setSecret('sim-nowhere', secret)).toThrow(/sim-nowhere/);
  });

  it('posts replies to {apiUrl}/v1/webhooks/{id}/inbound at SIMULATOR_REPLY_RATE', async () => {
    const secret = newSecret();
    const receiver = await reportReceiver(secret);
    const running = await startCarrierSimulators({
      apiUrl: new URL(receiver.url).origin,
      env: { SIMULATOR_REPLY_RATE: '1', SIMULATOR_SUCCESS_RATE: '1', SIMULATOR_REPORT_DELAY_MS: '0' },
      optOutShare: 1,
    });
    cleanups.push(() => running.stop());
    running.setSecret('sim-viettel', secret);
    const viettel = running.simulators[0]?.simulator;
    if (!viettel) throw new Error('sim-viettel missing');
    expect((await deliver(viettel, messageIds('m', 3), { secret })).status).toBe(200);
    await waitFor(() => viettel.counters().repliesPosted === 3);
    expect(viettel.counters()).toMatchObject({ reportsPosted: 3, optOutRepliesPosted: 3, repliesFailed: 0 });
    expect(receiver.inbound.every((r) => isOptOutReply(r.text))).toBe(true);
    expect(receiver.paths).toEqual([
      '/v1/webhooks/sim-viettel/delivery-reports',
      '/v1/webhooks/sim-viettel/inbound',
    ]);
  });

  it('gives each simulator the tps of its definition', async () => {
    const running = await startCarrierSimulators({ env: {} });
    cleanups.push(() => running.stop());
    const other = running.simulators.find(({ definition }) => definition.id === 'sim-other')?.simulator;
    if (!other) throw new Error('sim-other missing');
    other.setSecret(SECRET);
    expect(SIMULATOR_DEFINITIONS.find((d) => d.id === 'sim-other')).toMatchObject({
      tps: 50,
      carriers: ['*'],
    });
    await waitFor(() => Date.now() % 1000 < 300); // both batches in the same wall-clock second
    expect((await deliver(other, messageIds('a', 50))).status).toBe(200);
    expect((await deliver(other, messageIds('b', 1))).status).toBe(429);
    expect(other.counters()).toMatchObject({
      accepted: 50,
      throttled: 1,
      maxPerSecond: 50,
      secondsOverTps: 0,
    });
  });
});
