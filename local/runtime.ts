import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { DynamoDBRecord } from 'aws-lambda';
import { allRoutes } from '#api/routes.js';
import { ROLES, type Role } from '#core/roles.js';
import { issueToken, loadOrCreateSecret } from './auth.js';
import { LOCAL_AWS_ENV, ensureTable, startDynamoLocal, type RunningDynamo } from './dynamodb.js';
import { migrationDeps, partnerDeps } from '#adapters/deps.js';
import { logger } from '#adapters/logger.js';
import { migrate } from '#core/migration.js';
import { savePartner } from '#core/partner-service.js';
import { openPartner, PartnerInput, toView, type PartnerView } from '#core/partner.js';
import { startLocalDispatcher } from './dispatcher.js';
import { partnerInput, startCarrierSimulators, type CarrierSimulators } from './simulators/index.js';
import { startLocalScheduler } from './scheduler.js';
import { startLocalImportJobs } from './import-jobs.js';
import { startLocalStreams } from './streams.js';
import { createLocalApi } from './server.js';
import { closeServer } from './http-server.js';

export interface RuntimeOptions {
  port: number;
  host: string;
  /** Where DynamoDB Local keeps its data and the JWT secret lives; undefined = in memory (tests). */
  dataDir: string;
  persist: boolean;
  tableName: string;
  publicBaseUrl: string;
  /** Simulated carrier partners (contract §10), registered as partners; off with SIMULATORS=off. */
  simulators: boolean;
  /** DynamoDB Local's JVM heap ceiling, MB (DYNAMODB_HEAP_MB; default DEFAULT_DYNAMO_HEAP_MB). */
  dynamoHeapMb?: number;
  /**
   * For the crash tests (`CRASH_TEST_HOLD=metrics-counted`): once the metrics aggregator has counted a
   * page of settled batches, the runtime says so on stdout and holds that page's stream position unsaved,
   * so a kill lands exactly between counting and checkpointing; a restart gets the page again.
   */
  holdAfterCounting?: boolean;
}

export interface Runtime {
  url: string;
  tokens: Record<Role, string>;
  simulators: { id: string; url: string }[];
  stop(): Promise<void>;
}

/**
 * The whole system on one machine: DynamoDB Local, the table, and the Lambda handlers behind a local
 * API Gateway. The handlers find DynamoDB Local through the SDK's standard endpoint variable.
 */
export const startRuntime = async (options: RuntimeOptions): Promise<Runtime> => {
  const dynamo: RunningDynamo = await startDynamoLocal({
    ...(options.persist ? { dataDir: options.dataDir } : {}),
    ...(options.dynamoHeapMb ? { heapMb: options.dynamoHeapMb } : {}),
  });
  // DynamoDB Local is a separate (java) process: never leave it behind when the rest fails (e.g. PORT taken).
  return startOn(dynamo, options).catch(async (error: unknown) => {
    await dynamo.stop();
    throw error;
  });
};

const startOn = async (dynamo: RunningDynamo, options: RuntimeOptions): Promise<Runtime> => {
  Object.assign(process.env, LOCAL_AWS_ENV, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    TABLE_NAME: options.tableName,
    PUBLIC_BASE_URL: options.publicBaseUrl,
    LOCAL_RUNTIME: '1',
    // The carrier simulators (and a partner a developer runs) listen on 127.0.0.1.
    ALLOW_LOOPBACK_WEBHOOKS: '1',
  });
  const client = new DynamoDBClient({});
  await ensureTable(client, options.tableName);
  client.destroy();
  // An old data directory is brought up to date once; afterwards this is one read of the version item.
  const migration = await migrate(migrationDeps(options.tableName));
  if (migration.steps) logger.info('Data migrated', { ...migration });

  const jwtSecret = loadOrCreateSecret(options.dataDir);
  const server = createLocalApi({
    routes: allRoutes,
    jwtSecret,
    webConsole: { publicBaseUrl: options.publicBaseUrl },
    // Exports and uploads are kept a day in AWS; a restart keeps them too when the data persists.
    ...(options.persist ? { filesDir: join(options.dataDir, 'files') } : {}),
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, options.host, done);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}`;
  const simulators = options.simulators ? await registerSimulators(url) : undefined;
  const scheduler = await startLocalScheduler();
  // Lambda's queue of the import-job function's invocations: the running jobs in the table.
  const importJobs = await startLocalImportJobs();
  // The async path: the event bus (`campaign.started` → the materialiser, as the stack's rule does), the
  // partners' queues and consumers, and the sweep.
  const dispatcher = await startLocalDispatcher({
    tableName: options.tableName,
    ...(options.persist
      ? { eventBusCheckpointFile: join(options.dataDir, 'event-bus-checkpoint.json') }
      : {}),
  });
  const hold = options.holdAfterCounting ? holdOnceSettledCounted() : undefined;
  // The stream Lambda's stand-in: keeps the campaign metrics (after the table exists).
  const streams = await startLocalStreams({
    tableName: options.tableName,
    ...(options.persist ? { checkpointFile: join(options.dataDir, 'stream-checkpoint.json') } : {}),
    ...(hold ? { beforeCheckpoint: hold.hold } : {}),
  });

  const tokens = Object.fromEntries(
    await Promise.all(
      ROLES.map(async (role) => [role, await issueToken(jwtSecret, role, `${role}@local`)] as const),
    ),
  ) as Record<Role, string>;

  return {
    url,
    simulators:
      simulators?.simulators.map(({ definition, simulator }) => ({
        id: definition.id,
        url: simulator.url,
      })) ?? [],
    tokens,
    stop: async () => {
      await scheduler.stop();
      await importJobs.stop();
      await dispatcher.stop();
      hold?.release();
      await streams.stop();
      await simulators?.stop();
      await closeServer(server);
      await dynamo.stop();
    },
  };
};

/**
 * Starts the carrier simulators and registers each as a partner; a partner the admin already has keeps its
 * settings and only learns the simulator's new address. Each simulator verifies with the partner's secret.
 */
const registerSimulators = async (apiUrl: string): Promise<CarrierSimulators> => {
  const simulators = await startCarrierSimulators({ apiUrl });
  const deps = partnerDeps();
  for (const { definition, simulator } of simulators.simulators) {
    const existing = await deps.store.get(definition.id);
    const kept = existing ? toView(existing) : undefined;
    const input = kept
      ? { ...PartnerInput.parse(pickInput(kept)), webhookUrl: simulator.url }
      : PartnerInput.parse(partnerInput(definition, simulator.url));
    await savePartner(deps, definition.id, input);
    const stored = await deps.store.get(definition.id);
    const saved = stored && (await openPartner(deps.sealer, stored));
    if (saved?.secrets[0]) simulators.setSecret(definition.id, saved.secrets[0].secret);
  }
  return simulators;
};

const pickInput = ({ id: _id, createdAt: _c, updatedAt: _u, secretRotatedAt: _s, ...input }: PartnerView) =>
  input;

/** A batch record that moves it out of `handing`: one the aggregator counts as sent. */
const settlesBatch = (record: DynamoDBRecord) =>
  record.dynamodb?.OldImage?.status?.S === 'handing' && record.dynamodb.NewImage?.status?.S !== 'handing';

/** `holdAfterCounting`: holds the first page that counted a settled batch until the kill (or a stop). */
const holdOnceSettledCounted = () => {
  let held = false;
  let release: () => void = () => undefined;
  const released = new Promise<void>((done) => (release = done));
  return {
    hold: async (records: DynamoDBRecord[]) => {
      if (held || !records.some(settlesBatch)) return;
      held = true;
      console.log(`Held: ${records.length} stream records counted, their position not saved`);
      await released;
    },
    release: () => release(),
  };
};
