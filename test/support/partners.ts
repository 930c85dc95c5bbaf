import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Carrier } from '#core/carriers.js';
import { busiestWindow } from '#local/simulators/carrier-rules.js';
import {
  createCarrierSimulator,
  type CarrierSimulator,
  type SimulatorMode,
} from '#local/simulators/index.js';
import type { TestApi } from './api.js';
import { send } from './typed-api.js';
import { closeServer, listenLocally } from '#local/http-server.js';

/** One `sms.send` request as the partner saw it, with the simulator's answer. */
export interface HandOver {
  partnerId: string;
  webhookId: string;
  /** The body's `timestamp`: when our dispatcher built the request, right after taking the pacing budget. */
  sentAt: string;
  /** The simulator's status; undefined until it answers, and for good when it never does (`down`, `timeout`). */
  status?: number;
  /** Each message as it reached the partner, its text as the subscriber reads it. */
  messages: { messageId: string; to: string; text: string }[];
  /** Message ids refused one by one in a 2xx answer. */
  rejected: string[];
  at: number;
}

export interface SimulatedPartner {
  id: string;
  sim: CarrierSimulator;
  /** Every request our dispatcher made to this partner, in the order they arrived. */
  handOvers: HandOver[];
  setMode(mode: SimulatorMode): void;
  close(): Promise<void>;
}

export interface SimulatedPartnerOptions {
  id: string;
  carriers: (Carrier | '*')[];
  /** The tps registered with our API (what the dispatcher paces to). */
  tps: number;
  maxBatchSize?: number;
  /** The tps the simulator enforces with 429 (default: the registered one). */
  simulatorTps?: number;
  latencyMs?: number;
  /**
   * Our API's base URL: the simulator then posts its signed delivery reports to
   * `{reportTo}/v1/webhooks/{id}/delivery-reports`, `reportDelayMs` (default 50) after taking a batch.
   */
  reportTo?: string;
  reportDelayMs?: number;
  /** Fraction of accepted messages reported delivered (default 1); the others fail with a code. */
  successRate?: number;
}

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
};

const FORWARDED = ['content-type', 'webhook-id', 'webhook-timestamp', 'webhook-signature'];

const parseSmsSend = (body: string): Pick<HandOver, 'messages' | 'sentAt'> => {
  try {
    const parsed = JSON.parse(body) as {
      timestamp?: unknown;
      data?: { messages?: { messageId?: unknown; to?: unknown; text?: unknown }[] };
    };
    return {
      sentAt: String(parsed.timestamp),
      messages: (parsed.data?.messages ?? []).map((m) => ({
        messageId: String(m.messageId),
        to: String(m.to),
        text: String(m.text),
      })),
    };
  } catch {
    return { sentAt: '', messages: [] };
  }
};

const rejectedOf = (body: string): string[] => {
  try {
    const parsed = JSON.parse(body) as { rejected?: { messageId?: unknown }[] };
    return (parsed.rejected ?? []).map((r) => String(r.messageId));
  } catch {
    return [];
  }
};

/**
 * A carrier simulator (local/simulators) behind a recording proxy, registered as a partner through the API
 * (`PUT /v1/partners/{id}`, its signing secret handed to the simulator). The proxy keeps which messages
 * each request carried and what the simulator answered, so a test can tell which partner accepted which
 * message under which `webhook-id`. A request our dispatcher gave up on (timeout) still gets its answer
 * recorded: the partner took the batch whether or not we heard back.
 */
export const startSimulatedPartner = async (
  api: Pick<TestApi, 'sendRaw'>,
  options: SimulatedPartnerOptions,
): Promise<SimulatedPartner> => {
  const sim = await createCarrierSimulator({
    partnerId: options.id,
    carriers: options.carriers,
    tps: options.simulatorTps ?? options.tps,
    maxBatchSize: options.maxBatchSize ?? 100,
    latencyMs: options.latencyMs ?? 5,
    successRate: options.successRate ?? 1,
    seed: 1,
    ...(options.reportTo
      ? {
          reportUrl: `${options.reportTo}/v1/webhooks/${options.id}/delivery-reports`,
          reportDelayMs: options.reportDelayMs ?? 50,
          reportRetryDelayMs: 100,
        }
      : {}),
  });
  const handOvers: HandOver[] = [];
  const lifetime = new AbortController();

  const proxy: Server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const webhookId = String(request.headers['webhook-id'] ?? '');
      const headers = Object.fromEntries(
        FORWARDED.flatMap((name) => {
          const value = request.headers[name];
          return typeof value === 'string' ? [[name, value]] : [];
        }),
      );
      const handOver: HandOver = {
        partnerId: options.id,
        webhookId,
        ...parseSmsSend(body),
        rejected: [],
        at: Date.now(),
      };
      handOvers.push(handOver);
      try {
        const answer = await fetch(`${sim.url}${request.url ?? '/'}`, {
          method: request.method ?? 'POST',
          headers,
          body,
          signal: lifetime.signal,
        });
        const text = await answer.text();
        handOver.status = answer.status;
        if (answer.ok) handOver.rejected = rejectedOf(text);
        if (response.destroyed) return;
        const retryAfter = answer.headers.get('retry-after');
        response
          .writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'application/json',
            ...(retryAfter ? { 'retry-after': retryAfter } : {}),
          })
          .end(text);
      } catch {
        // The simulator dropped the connection (mode `down`) or never answered: so do we.
        request.socket.destroy();
      }
    })();
  });
  const proxyUrl = `${await listenLocally(proxy)}/sms`;

  const registered = await send(api, 'putPartner', {
    params: { partnerId: options.id },
    json: {
      name: `Simulated ${options.id}`,
      webhookUrl: proxyUrl,
      carriers: options.carriers,
      tps: options.tps,
      maxBatchSize: options.maxBatchSize ?? 100,
      senderId: 'BOCONGAN',
    },
  });
  if (registered.status !== 201) {
    await sim.close();
    throw new Error(
      `Could not register ${options.id}: ${registered.status} ${JSON.stringify(registered.body)}`,
    );
  }
  sim.setSecret(registered.body.signingSecret);

  return {
    id: options.id,
    sim,
    handOvers,
    setMode: (mode) => sim.setMode(mode),
    close: async () => {
      lifetime.abort();
      await closeServer(proxy);
      await sim.close();
    },
  };
};

/**
 * For each message a partner accepted (2xx, not rejected one by one): the distinct (partner, webhook-id)
 * hand-overs that carried it. A replay of the same webhook-id to the same partner counts once, as Standard
 * Webhooks deduplication intends; the same message under two hand-overs is a duplicate.
 */
export const acceptedMessages = (
  partners: readonly SimulatedPartner[],
): Map<string, { to: string; handOvers: Set<string> }> => {
  const accepted = new Map<string, { to: string; handOvers: Set<string> }>();
  for (const { handOvers } of partners) {
    for (const handOver of handOvers) {
      if (handOver.status === undefined || handOver.status < 200 || handOver.status > 299) continue;
      const rejected = new Set(handOver.rejected);
      for (const { messageId, to } of handOver.messages) {
        if (rejected.has(messageId)) continue;
        const entry = accepted.get(messageId) ?? { to, handOvers: new Set<string>() };
        entry.handOvers.add(`${handOver.partnerId} ${handOver.webhookId}`);
        accepted.set(messageId, entry);
      }
    }
  }
  return accepted;
};

/** Our pacing by our own send times (the body's `timestamp`, taken when the batch's moment came), over rolling seconds. */
export const busiestSecondSent = (partner: SimulatedPartner): number =>
  busiestWindow(partner.handOvers.map((h) => [Date.parse(h.sentAt), h.messages.length] as const));

/**
 * Messages per second that reached the partner from its first request to its last (those of the last
 * moment left out: they open a window the run does not fill), as a fraction of `tps`.
 */
export const achievedRate = (partner: SimulatedPartner, tps: number): number => {
  const arrivals = partner.handOvers.map((h) => [h.at, h.messages.length] as const);
  const first = Math.min(...arrivals.map(([at]) => at));
  const last = Math.max(...arrivals.map(([at]) => at));
  const before = arrivals.filter(([at]) => at < last).reduce((sum, [, n]) => sum + n, 0);
  return before / ((last - first) / 1000) / tps;
};

/** Seconds in which the simulator took more than `tps` messages (its `perSecond` ledger). */
export const secondsAbove = (partner: SimulatedPartner, tps: number): [string, number][] =>
  Object.entries(partner.sim.counters().perSecond).filter(([, count]) => count > tps);

/**
 * Messages our dispatcher sent the partner per second of its own clock (the body's `timestamp`), every
 * request counted, retries and replays included: what its pacing promises to keep at or under `tps`.
 */
export const sentPerSecond = (partner: SimulatedPartner): Map<number, number> => {
  const counts = new Map<number, number>();
  for (const { sentAt, messages } of partner.handOvers) {
    const second = Math.floor(Date.parse(sentAt) / 1000);
    counts.set(second, (counts.get(second) ?? 0) + messages.length);
  }
  return counts;
};
