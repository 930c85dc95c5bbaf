import type { Carrier } from '#core/carriers.js';
import { createCarrierSimulator, type CarrierSimulator } from './carrier-simulator.js';

export { createCarrierSimulator } from './carrier-simulator.js';
export type { CarrierSimulator, CarrierSimulatorOptions, SimulatorCounters } from './carrier-simulator.js';
export { SIMULATOR_MODES, isSimulatorMode, type SimulatorMode } from './carrier-rules.js';

export interface SimulatorDefinition {
  id: string;
  name: string;
  carriers: readonly (Carrier | '*')[];
  tps: number;
  maxBatchSize: number;
  senderId: string;
}

const senderId = 'BOCONGAN';

/** The partners `npm start` simulates: one per carrier group, `sim-other` taking every carrier left over. */
export const SIMULATOR_DEFINITIONS: readonly SimulatorDefinition[] = [
  {
    id: 'sim-viettel',
    name: 'Simulated Viettel',
    carriers: ['viettel'],
    tps: 200,
    maxBatchSize: 100,
    senderId,
  },
  {
    id: 'sim-vnpt',
    name: 'Simulated VNPT (VinaPhone, iTel, Reddi)',
    carriers: ['vinaphone', 'itel', 'reddi'],
    tps: 150,
    maxBatchSize: 100,
    senderId,
  },
  {
    id: 'sim-mobifone',
    name: 'Simulated MobiFone',
    carriers: ['mobifone'],
    tps: 150,
    maxBatchSize: 100,
    senderId,
  },
  {
    id: 'sim-other',
    name: 'Simulated other networks (Vietnamobile, Gmobile, ...)',
    carriers: ['*'],
    tps: 50,
    maxBatchSize: 50,
    senderId,
  },
];

/** The body of `PUT /v1/partners/{definition.id}` that registers a running simulator (contract §3). */
export const partnerInput = (definition: SimulatorDefinition, webhookUrl: string) => ({
  name: definition.name,
  webhookUrl,
  carriers: [...definition.carriers],
  tps: definition.tps,
  maxBatchSize: definition.maxBatchSize,
  senderId: definition.senderId,
  // A typical brandname SMS price, so that estimates and metrics show a cost on a fresh `npm start`.
  pricePerSegment: 350,
  currency: 'VND',
});

export interface SimulatorSettings {
  successRate?: number;
  reportDelayMs?: number;
  replyRate?: number;
}

/** The reply rate of `npm start`'s simulators: enough replies and opt-outs to see in a demo's metrics. */
export const DEFAULT_REPLY_RATE = 0.01;

/** A fraction in [0, 1] from the environment, when set; else a startup error naming the variable. */
const rateFromEnv = (env: NodeJS.ProcessEnv, name: string): number | undefined => {
  const value = env[name];
  if (value === undefined) return undefined;
  const rate = Number(value);
  if (!(value.trim() !== '' && rate >= 0 && rate <= 1))
    throw new Error(`${name} must be between 0 and 1, got ${value}`);
  return rate;
};

/**
 * `SIMULATOR_SUCCESS_RATE` (0–1), `SIMULATOR_REPORT_DELAY_MS` (integer ≥ 0) and `SIMULATOR_REPLY_RATE`
 * (0–1), when set.
 */
export const simulatorSettingsFromEnv = (env: NodeJS.ProcessEnv = process.env): SimulatorSettings => {
  const settings: SimulatorSettings = {};
  const successRate = rateFromEnv(env, 'SIMULATOR_SUCCESS_RATE');
  if (successRate !== undefined) settings.successRate = successRate;
  if (env.SIMULATOR_REPORT_DELAY_MS !== undefined) {
    const delay = Number(env.SIMULATOR_REPORT_DELAY_MS);
    if (!(env.SIMULATOR_REPORT_DELAY_MS.trim() !== '' && Number.isInteger(delay) && delay >= 0))
      throw new Error(
        `SIMULATOR_REPORT_DELAY_MS must be an integer ≥ 0, got ${env.SIMULATOR_REPORT_DELAY_MS}`,
      );
    settings.reportDelayMs = delay;
  }
  const replyRate = rateFromEnv(env, 'SIMULATOR_REPLY_RATE');
  if (replyRate !== undefined) settings.replyRate = replyRate;
  return settings;
};

export interface CarrierSimulatorsConfig extends SimulatorSettings {
  /**
   * Our API's base URL; each simulator reports to `{apiUrl}/v1/webhooks/{id}/delivery-reports` and posts
   * its subscribers' replies to `{apiUrl}/v1/webhooks/{id}/inbound`.
   */
  apiUrl?: string;
  /** Fraction of replies that are an opt-out keyword (the simulator's default, 0.3, when not given). */
  optOutShare?: number;
  definitions?: readonly SimulatorDefinition[];
  /**
   * Read when `successRate`, `reportDelayMs` or `replyRate` is not given (default `process.env`); the reply
   * rate is `DEFAULT_REPLY_RATE` when neither gives it.
   */
  env?: NodeJS.ProcessEnv;
}

export interface RunningSimulator {
  definition: SimulatorDefinition;
  simulator: CarrierSimulator;
}

export interface CarrierSimulators {
  simulators: readonly RunningSimulator[];
  /** Give a simulator the `signingSecret` our API issued when it was registered (or rotated). */
  setSecret(partnerId: string, secret: string): void;
  stop(): Promise<void>;
}

/** Starts one simulator per definition, each on a free port of 127.0.0.1. */
export const startCarrierSimulators = async (
  config: CarrierSimulatorsConfig = {},
): Promise<CarrierSimulators> => {
  const settings = {
    replyRate: DEFAULT_REPLY_RATE,
    ...simulatorSettingsFromEnv(config.env),
    ...definedOnly(config),
    ...(config.optOutShare !== undefined ? { optOutShare: config.optOutShare } : {}),
  };
  const definitions = config.definitions ?? SIMULATOR_DEFINITIONS;
  const started = await Promise.allSettled(
    definitions.map(async (definition): Promise<RunningSimulator> => ({
      definition,
      simulator: await createCarrierSimulator({
        partnerId: definition.id,
        name: definition.name,
        carriers: definition.carriers,
        tps: definition.tps,
        maxBatchSize: definition.maxBatchSize,
        ...settings,
        ...(config.apiUrl
          ? {
              reportUrl: `${config.apiUrl}/v1/webhooks/${definition.id}/delivery-reports`,
              inboundUrl: `${config.apiUrl}/v1/webhooks/${definition.id}/inbound`,
            }
          : {}),
      }),
    })),
  );
  const simulators = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = started.find((result) => result.status === 'rejected');
  if (failure) {
    await Promise.all(simulators.map(({ simulator }) => simulator.close()));
    throw failure.reason;
  }

  return {
    simulators,
    setSecret: (partnerId, secret) => {
      const found = simulators.find(({ definition }) => definition.id === partnerId);
      if (!found) throw new Error(`No carrier simulator ${partnerId}`);
      found.simulator.setSecret(secret);
    },
    stop: async () => {
      await Promise.all(simulators.map(({ simulator }) => simulator.close()));
    },
  };
};

const definedOnly = ({ successRate, reportDelayMs, replyRate }: SimulatorSettings): SimulatorSettings => ({
  ...(successRate !== undefined ? { successRate } : {}),
  ...(reportDelayMs !== undefined ? { reportDelayMs } : {}),
  ...(replyRate !== undefined ? { replyRate } : {}),
});
