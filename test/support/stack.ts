import { startLocalDispatcher } from '#local/dispatcher.js';
import type { LocalStreams } from '#local/streams.js';
import { startTestApi, type TestApi } from './api.js';
import { startSimulatedPartner, type SimulatedPartner, type SimulatedPartnerOptions } from './partners.js';
import { startTestStreams } from './streams.js';

/** What an end-to-end send needs: the API, the local dispatcher and one simulated partner. */
export interface SendingStack {
  api: TestApi;
  partner: SimulatedPartner;
  /** Stops what was started, the last started first. */
  stop(): Promise<void>;
}

/** A sending stack with the metrics aggregator's stream poller, for tests that read metrics or reports. */
export interface MetricsStack extends SendingStack {
  streams: LocalStreams;
}

/** Each thing started with how to stop it; stopping runs them last first, also after a failed start. */
const lifetime = () => {
  const stops: (() => Promise<void>)[] = [];
  return {
    started<T>(thing: T, stop: (thing: T) => Promise<void>): T {
      stops.unshift(() => stop(thing));
      return thing;
    },
    async stop() {
      for (const stop of stops.splice(0)) await stop();
    },
  };
};

type Lifetime = ReturnType<typeof lifetime>;

/** Runs `open` with a fresh lifetime; a failed start stops what it had started, last first. */
const opened = async <T>(open: (running: Lifetime) => Promise<T>): Promise<T & { stop(): Promise<void> }> => {
  const running = lifetime();
  try {
    return { ...(await open(running)), stop: running.stop };
  } catch (error) {
    await running.stop();
    throw error;
  }
};

export interface DispatchStackOptions {
  /** false: no local dispatcher, for a test that materialises and hands batches over itself. */
  dispatcher?: boolean;
}

/** The API and the local dispatcher, with as many simulated partners as a test starts. */
export interface DispatchStack {
  api: TestApi;
  /** Starts a simulated partner registered through the API, closed when the stack stops. */
  partner(options: SimulatedPartnerOptions): Promise<SimulatedPartner>;
  /** Stops the dispatcher, then the partners, then the API. */
  stop(): Promise<void>;
}

/**
 * The API, the local dispatcher unless told not, and partners as a test starts them: stopping goes
 * dispatcher, partners, API, so nothing is sent to a closed partner.
 */
const startDispatch = async (running: Lifetime, { dispatcher = true }: DispatchStackOptions = {}) => {
  const api = running.started(await startTestApi(), (api) => api.close());
  const partners = running.started<SimulatedPartner[]>([], async (list) => {
    await Promise.all(list.map((p) => p.close()));
  });
  if (dispatcher)
    running.started(await startLocalDispatcher({ pollMs: 50 }), (dispatcher) => dispatcher.stop());
  const partner = async (options: SimulatedPartnerOptions): Promise<SimulatedPartner> => {
    const started = await startSimulatedPartner(api, options);
    partners.push(started);
    return started;
  };
  return { api, partner };
};

export const startDispatchStack = (options?: DispatchStackOptions): Promise<DispatchStack> =>
  opened((running) => startDispatch(running, options));

/** Started so that stopping goes streams, dispatcher, partner, API: nothing is sent to a closed partner. */
const start = <Extra extends object>(
  partnerOptions: SimulatedPartnerOptions,
  startMore: (running: Lifetime) => Promise<Extra>,
): Promise<SendingStack & Extra> =>
  opened(async (running) => {
    const { api, partner } = await startDispatch(running);
    return { api, partner: await partner(partnerOptions), ...(await startMore(running)) };
  });

export const startSendingStack = (partner: SimulatedPartnerOptions): Promise<SendingStack> =>
  start(partner, () => Promise.resolve({}));

export const startMetricsStack = (partner: SimulatedPartnerOptions): Promise<MetricsStack> =>
  start(partner, async (running) => ({
    streams: running.started(await startTestStreams(), (s) => s.stop()),
  }));
