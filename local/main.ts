import { logger } from '#adapters/logger.js';
import { localConfig } from './config.js';
import { startRuntime, type Runtime } from './runtime.js';

/** `npm start`: the whole system on this machine (README: Run it locally). */
const config = localConfig();

// Signals are handled from the first moment, so Ctrl-C during start-up still stops DynamoDB Local.
const state: { runtime?: Runtime; stopSignal?: string } = {};
const shutdown = async (signal: string) => {
  if (state.stopSignal) return;
  state.stopSignal = signal;
  logger.info('Shutting down', { signal });
  if (!state.runtime) return;
  await state.runtime.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

const runtime = await startRuntime({ ...config, persist: true });
state.runtime = runtime;
if (state.stopSignal) {
  await runtime.stop();
  process.exit(0);
}

console.log(`\nSMS campaigns running at ${runtime.url}  (data in ${config.dataDir})`);
console.log(`  console: ${runtime.url}/  (sign in as any role; built by npm run build:web)`);
console.log(`  health:  ${runtime.url}/health`);
console.log(`  OpenAPI: ${runtime.url}/v1/openapi.json`);
for (const simulator of runtime.simulators)
  console.log(`  carrier simulator ${simulator.id.padEnd(13)} ${simulator.url}/_sim/counters`);
console.log('\nBearer tokens (valid 12 h; more with `npm run token -- <role> [user]`):');
for (const [role, token] of Object.entries(runtime.tokens)) console.log(`  ${role.padEnd(9)} ${token}`);
console.log('\nCtrl-C stops everything; a restart carries on where it stopped.');
