import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { dynamoDocumentClient } from '#adapters/clients.js';
import { startRuntime, type Runtime } from '#local/runtime.js';
import { createCarrierSimulator, type CarrierSimulator } from '#local/simulators/index.js';

/** What the benchmarks share: API calls as a role, partners backed by simulators, a campaign run to the end. */
export type Json = Record<string, unknown>;

/**
 * The local runtime on an in-memory DynamoDB Local without the built-in simulators (benchmarks add their
 * own), and what stops it and cleans up after it together with the simulators given.
 */
export const startBenchRuntime = async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sms-bench-'));
  const runtime = await startRuntime({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    persist: false,
    tableName: 'bench',
    publicBaseUrl: 'https://sms.example.gov.vn',
    simulators: false,
  });
  const stop = async (simulators: readonly CarrierSimulator[]) => {
    for (const simulator of simulators) await simulator.close();
    await runtime.stop();
    dynamoDocumentClient().destroy();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { runtime, stop };
};

export const call = async (
  runtime: Runtime,
  role: string,
  method: string,
  path: string,
  body?: string | Json,
  type = 'application/json',
) => {
  const response = await fetch(`${runtime.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${runtime.tokens[role as 'admin']}`,
      ...(body !== undefined ? { 'content-type': type } : {}),
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const json = (await response.json()) as Json;
  if (response.status >= 300)
    throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
};

/** Imports the subscribers of a CSV file into the audience, as an officer; answers the import's counts. */
export const importCsv = (runtime: Runtime, audienceId: string, csv: string) =>
  call(runtime, 'officer', 'POST', `/v1/audiences/${audienceId}/subscribers`, csv, 'text/csv');

export const addPartner = async (
  runtime: Runtime,
  id: string,
  carriers: string[],
  tps: number,
): Promise<CarrierSimulator & { signingSecret: string }> => {
  const simulator = await createCarrierSimulator(simulatorOptions(id, carriers, tps));
  const signingSecret = await registerPartner(runtime, simulator, carriers, tps);
  return Object.assign(simulator, { signingSecret });
};

/** The benchmarks' simulator settings: answers in 5 ms, seeded outcomes. */
export const simulatorOptions = (partnerId: string, carriers: string[], tps: number) => ({
  partnerId,
  carriers: carriers as never,
  tps,
  latencyMs: 5,
  seed: 30_07,
});

/** Registers a simulator (in this process or another) as a partner, and gives it its signing secret. */
export const registerPartner = async (
  runtime: Runtime,
  simulator: { partnerId: string; url: string; setSecret(secret: string): void },
  carriers: string[],
  tps: number,
) => {
  const created = await call(runtime, 'admin', 'PUT', `/v1/partners/${simulator.partnerId}`, {
    name: simulator.partnerId,
    webhookUrl: simulator.url,
    carriers,
    tps,
    maxBatchSize: 100,
    senderId: 'BOCONGAN',
    pricePerSegment: 350,
  });
  const signingSecret = String(created.signingSecret);
  simulator.setSecret(signingSecret);
  return signingSecret;
};

/** Imports the CSV into a new audience, runs a campaign to completion; answers seconds from approval. */
export const sendCampaign = async (
  runtime: Runtime,
  csv: string,
  partnerIds?: string[],
  beforeApproval = () => {},
  /** Fields of the campaign body instead of the default message (variants, treatments, ...). */
  content: Record<string, unknown> = {},
) => {
  const audience = await call(runtime, 'officer', 'POST', '/v1/audiences', { name: 'bench' });
  const imported = await importCsv(runtime, String(audience.id), csv);
  const campaign = await call(runtime, 'officer', 'POST', '/v1/campaigns', {
    name: 'Benchmark 30/7',
    message:
      'Canh giac viec nhe luong cao o nuoc ngoai. Goi 111 (mien phi). {{link:https://bocongan.gov.vn/111}}',
    audienceIds: [audience.id],
    schedule: { asap: true },
    sendingWindow: null,
    ...(partnerIds ? { partnerIds } : {}),
    ...content,
  });
  await call(runtime, 'officer', 'POST', `/v1/campaigns/${campaign.id}/submit`);
  beforeApproval();
  const started = performance.now();
  await call(runtime, 'approver', 'POST', `/v1/campaigns/${campaign.id}/approve`);
  for (;;) {
    const current = await call(runtime, 'planner', 'GET', `/v1/campaigns/${campaign.id}`);
    if (current.status === 'completed') break;
    if (performance.now() - started > 600_000) throw new Error('campaign did not complete within 10 minutes');
    await sleep(100);
  }
  return {
    campaignId: String(campaign.id),
    seconds: (performance.now() - started) / 1000,
    accepted: Number(imported.accepted),
  };
};
