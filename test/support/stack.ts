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

/** Started so that stopping goes streams, dispatcher, partner, API: nothing is sent to a closed partner. */
const start = async <Extra extends object>(
  partnerOptions: SimulatedPartnerOptions,
  startMore: (running: Lifetime) => Promise<Extra>,
): Promise<SendingStack & Extra> => {
  const running = lifetime();
  try {
    const api = running.started(await startTestApi(), (api) => api.close());
    const partner = running.started(await startSimulatedPartner(api, partnerOptions), (p) => p.close());
    running.started(await startLocalDispatcher({ pollMs: 50 }), (dispatcher) => dispatcher.stop());
    return { api, partner, stop: running.stop, ...(await startMore(running)) };
  } catch (error) {
    await running.stop();
    throw error;
  }
};

export const startSendingStack = (partner: SimulatedPartnerOptions): Promise<SendingStack> =>
  start(partner, () => Promise.resolve({}));

export const startMetricsStack = (partner: SimulatedPartnerOptions): Promise<MetricsStack> =>
  start(partner, async (running) => ({
    streams: running.started(await startTestStreams(), (s) => s.stop()),
  }));
