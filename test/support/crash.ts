import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateSecret } from '#local/auth.js';
import { LOCAL_AWS_ENV, freePort } from '#local/dynamodb.js';
import { apiClient } from './api.js';
import { dynamoProcesses, startLocalProcess, userEnv, type LocalProcess } from './process.js';
import { waitFor } from './sending.js';
/**
 * `npm start` on a data directory of its own, to be SIGKILLed and started again on the same data (the
 * crash tests). `close` kills whatever still runs of it, DynamoDB Local included, and removes the data.
 */
export const crashableRuntime = (name: string) => {
  const dataDir = mkdtempSync(join(tmpdir(), `sms-${name}-`));
  const running: LocalProcess[] = [];
  return {
    dataDir,
    /**
     * Starts the runtime without simulators (and with `extraEnv`); a batch a killed run claimed is taken
     * over after 3 s, and a materialisation it held after 5 s.
     */
    async start(port?: number, extraEnv: Record<string, string> = {}) {
      const env = {
        ...extraEnv,
        PORT: String(port ?? (await freePort())),
        DATA_DIR: dataDir,
        SIMULATORS: 'off',
        // Instead of the default 60 s leases.
        DISPATCH_LEASE_MS: '3000',
        MATERIALIZE_LEASE_MS: '5000',
      };
      const local = await startLocalProcess(env, 90_000, { baseEnv: userEnv() });
      running.push(local);
      return { local, api: apiClient(local.url, loadOrCreateSecret(dataDir)) };
    },
    /**
     * SIGKILLs the runtime, then its DynamoDB Local: java, a child of the node process, a SIGKILL of node
     * leaves it running, orphaned; the machine going down would take it too. Answers the runtime's exit code.
     */
    async crash(local: LocalProcess): Promise<number | null> {
      const code = await local.stop('SIGKILL');
      for (const { pid } of await dynamoProcesses(dataDir)) process.kill(pid, 'SIGKILL');
      await waitFor(
        'the orphaned DynamoDB Local to die',
        async () => (await dynamoProcesses(dataDir)).length === 0,
      );
      return code;
    },
    /** A document client on the DynamoDB Local the current runtime started; the caller destroys it. */
    async tableClient(): Promise<DynamoDBDocumentClient> {
      const [dynamo] = await dynamoProcesses(dataDir);
      return DynamoDBDocumentClient.from(
        new DynamoDBClient({
          endpoint: `http://127.0.0.1:${dynamo?.port}`,
          region: LOCAL_AWS_ENV.AWS_REGION,
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }),
      );
    },
    async close() {
      for (const local of running) await local.stop('SIGKILL');
      for (const { pid } of await dynamoProcesses(dataDir)) process.kill(pid, 'SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};
