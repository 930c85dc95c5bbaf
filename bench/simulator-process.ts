import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  createCarrierSimulator,
  type CarrierSimulatorOptions,
  type SimulatorCounters,
} from '#local/simulators/index.js';

/**
 * A carrier simulator in a process of its own, for the pacing bench: in the runtime's process it shares
 * the event loop with the dispatcher, so on a busy machine a batch sent on time was counted as arriving
 * tens of ms later (the trace: sent +3 ms, arrived +80 ms, for ten batches at once) and the next one, not
 * delayed, crowded it. Both processes read the same wall clock, so arrivals compare with send times.
 */
export interface SimulatorProcess {
  url: string;
  partnerId: string;
  counters(): Promise<SimulatorCounters>;
  setSecret(secret: string): void;
  close(): Promise<void>;
}

type Options = Pick<CarrierSimulatorOptions, 'partnerId' | 'tps' | 'latencyMs' | 'seed'>;
type Command = { setSecret: string } | { close: true };

export const startSimulatorProcess = (options: Options): Promise<SimulatorProcess> =>
  new Promise((started, failed) => {
    const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(options)], {
      execArgv: ['--import', 'tsx'],
    });
    child.once('error', failed);
    child.once('message', (message) => {
      const url = String((message as { url: string }).url);
      started({
        url,
        partnerId: options.partnerId,
        counters: async () =>
          ((await (await fetch(`${url}/_sim/counters`)).json()) as { counters: SimulatorCounters }).counters,
        setSecret: (secret) => void child.send({ setSecret: secret } satisfies Command),
        close: () =>
          new Promise((closed) => {
            child.once('exit', () => closed());
            child.send({ close: true } satisfies Command);
          }),
      });
    });
  });

// In the child: run the simulator until told to close.
if (process.send && process.argv[2]) {
  const options = JSON.parse(process.argv[2]) as Options;
  const simulator = await createCarrierSimulator({ ...options, host: '127.0.0.1' });
  process.on('message', (command: Command) => {
    if ('setSecret' in command) simulator.setSecret(command.setSecret);
    else void simulator.close().then(() => process.exit(0));
  });
  process.send({ url: simulator.url });
}
