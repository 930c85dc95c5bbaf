import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '#api/routes.js';
import { startTestApi, type TestApi } from '#support/api.js';
import { edgeRequestsFor, requestsFor, violationOf, type FuzzRequest, type Hints } from '#support/fuzz.js';
import { createAudience, phone } from '#support/sending.js';
import { bodyOf, expectStatus, send } from '#support/typed-api.js';
import { partnerSignature } from '#support/webhooks.js';

/**
 * Issue #17, fuzzing: requests generated from the routes' own schemas (valid, almost valid, hostile) at
 * every route of one running local API. Whatever comes in, no 5xx, every 4xx in the contract's error shape,
 * no stack trace or source path, and the API healthy afterwards. Fixed seeds: the same requests every run;
 * `npm run fuzz` sends more (FUZZ_RUNS in total, FUZZ_SEED to vary them).
 */

const TOTAL = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 17);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 8);
const PARTNER = 'fuzz-partner';
const KNOWN_PHONE = phone('viettel', 1_700_000);

let api: TestApi;
let hints: Hints;
let secret: string;
let adminToken: string;

beforeAll(async () => {
  api = await startTestApi();
  adminToken = await api.token('admin', 'fuzz-admin@test');
  const partner = await send(api, 'putPartner', {
    params: { partnerId: PARTNER },
    json: {
      name: 'Fuzz',
      webhookUrl: 'https://partner.example.com/sms',
      carriers: ['*'],
      tps: 10,
      senderId: 'FUZZ',
    },
  });
  expectStatus(partner, 201);
  secret = partner.body.signingSecret;
  const audienceId = await createAudience(api, 'Fuzz', [{ phone: KNOWN_PHONE }]);
  const campaign = await send(api, 'createCampaign', {
    as: 'officer',
    json: {
      name: 'Fuzz',
      message: 'Goi 111. {{link:https://example.gov.vn/111}}',
      audienceIds: [audienceId],
      partnerIds: [PARTNER],
      schedule: { sendAt: '2030-07-30T08:00:00+07:00' },
    },
  });
  const { id: campaignId } = bodyOf(campaign, 201);
  hints = {
    partnerId: fc.constant(PARTNER),
    audienceId: fc.constant(audienceId),
    campaignId: fc.constant(campaignId),
    phone: fc.constantFrom(KNOWN_PHONE, '0981234567', '+84 98 123 4567', '84981234567'),
  };
});

afterAll(async () => {
  agent.destroy();
  await api?.close();
});

interface RawAnswer {
  status: number;
  contentType: string;
  text: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/**
 * One request exactly as generated: node:http sends a body with a GET and leaves the path as written
 * (fetch would refuse the one and normalise `..` out of the other).
 */
const rawRequest = (
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<RawAnswer> =>
  new Promise((done, fail) => {
    // A length for every body, a GET's too: without one node:http sends it unframed.
    const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const outgoing = httpRequest(
      `${base}${path}`,
      { method, headers: { ...headers, ...length }, agent, signal: AbortSignal.timeout(30_000) },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () =>
          done({
            status: incoming.statusCode ?? 0,
            contentType: String(incoming.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        incoming.on('error', fail);
      },
    );
    // A body refused unread (413) may close the socket while it is still being written: the answer counts.
    outgoing.on('error', fail);
    outgoing.end(body);
  });

interface Finding {
  request: FuzzRequest;
  status: number;
  problem: string;
  body: string;
}

const sendGenerated = async (request: FuzzRequest): Promise<{ status: number; finding?: Finding }> => {
  const route = allRoutes.find((candidate) => candidate.id === request.routeId);
  const headers: Record<string, string> = {
    ...request.headers,
    ...(route && route.auth !== 'public' && route.auth !== 'signature'
      ? { authorization: `Bearer ${adminToken}` }
      : {}),
    ...(request.sign ? partnerSignature(secret, `msg_${randomUUID()}`, request.body ?? '') : {}),
  };
  let answer: RawAnswer;
  try {
    answer = await rawRequest(api.url, request.method, request.path, headers, request.body);
  } catch (error) {
    return {
      status: 0,
      finding: { request, status: 0, problem: `no answer: ${(error as Error).message}`, body: '' },
    };
  }
  const { status, contentType, text } = answer;
  const problem = violationOf(
    { status, contentType, text },
    { htmlNotFound: request.routeId === 'followShortLink' },
  );
  return problem ? { status, finding: { request, status, problem, body: text.slice(0, 300) } } : { status };
};

/** Runs `requests` with at most `concurrency` in flight; answers every finding. */
const runAll = async (requests: FuzzRequest[], concurrency: number) => {
  const findings: Finding[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const request = requests[next++];
      if (!request) break;
      const began = Date.now();
      const { status, finding } = await sendGenerated(request);
      const spent = `${request.routeId}:${request.kind}`;
      timeSpent.set(spent, (timeSpent.get(spent) ?? 0) + Date.now() - began);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (finding) findings.push(finding);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { findings, statuses };
};

const describeFinding = ({ request, status, problem, body }: Finding) =>
  `${request.routeId} [${request.kind}] ${request.method} ${request.path.slice(0, 200)} ` +
  `${JSON.stringify(request.headers)} body=${(request.body ?? '').slice(0, 200)} → ${status}: ${problem} ${body}`;

const timeSpent = new Map<string, number>();
const countBy = <T>(items: T[], key: (item: T) => string) => {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
};

describe('the endpoint fuzzer', () => {
  it(`sends ${TOTAL} generated requests over every route: no 5xx, contract errors, no internals`, async () => {
    const perRoute = Math.ceil(TOTAL / allRoutes.length);
    const perRouteRequests = allRoutes.map((route, index) =>
      fc.sample(requestsFor(route, hints), { seed: SEED + index, numRuns: perRoute }),
    );
    // Every edge of every field first, then the sampled ones round-robin over the routes: slow ones
    // (DynamoDB writes) overlap with quick refusals.
    const edges = allRoutes.flatMap((route, index) =>
      edgeRequestsFor(route, hints).flatMap((edge, at) =>
        fc.sample(edge, { seed: SEED + index * 1_000 + at, numRuns: 1 }),
      ),
    );
    const requests = [
      ...edges,
      ...Array.from({ length: perRoute }, (_, i) => perRouteRequests.flatMap((list) => list[i] ?? [])).flat(),
    ];
    const started = Date.now();
    const { findings, statuses } = await runAll(requests, CONCURRENCY);
    const seconds = (Date.now() - started) / 1000;
    console.info(
      `fuzz: ${requests.length} requests over ${allRoutes.length} routes in ${seconds.toFixed(1)} s ` +
        `(seed ${SEED}, concurrency ${CONCURRENCY}); statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; ` +
        `kinds ${JSON.stringify(countBy(requests, (r) => r.kind))}; ${findings.length} findings`,
    );
    if (process.env.FUZZ_PROFILE) console.info([...timeSpent].sort((a, b) => b[1] - a[1]).slice(0, 15));
    // One example of each kind of finding, so a long run's report stays readable.
    const examples = new Map<string, Finding>();
    for (const finding of findings) {
      const key = `${finding.request.routeId} ${finding.problem.slice(0, 40)}`;
      if (!examples.has(key)) examples.set(key, finding);
    }
    expect(requests.length).toBeGreaterThanOrEqual(TOTAL);
    expect([...examples.values()].slice(0, 30).map(describeFinding)).toEqual([]);

    const health = await send(api, 'health', { as: null });
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect((await send(api, 'listCampaigns', { as: 'planner' })).status).toBe(200);
  }, 600_000);
});
