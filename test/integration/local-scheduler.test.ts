import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect, it } from 'vitest';
import { freePort } from '../../local/dynamodb.js';
import { startLocalProcess, type LocalProcess } from '../support/process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sms-scheduler-'));
let running: LocalProcess | undefined;

afterAll(async () => {
  await running?.stop('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

const call = async (local: LocalProcess, role: string, method: string, path: string, json?: unknown) => {
  const response = await fetch(`${local.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${local.tokens[role]}`,
      ...(json ? { 'content-type': 'application/json' } : {}),
    },
    ...(json ? { body: JSON.stringify(json) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

it('fires a campaign that fell due while the runtime was stopped, after a restart', async () => {
  const env = { PORT: String(await freePort()), DATA_DIR: dataDir };
  running = await startLocalProcess(env);
  const audience = await call(running, 'officer', 'POST', '/v1/audiences', { name: 'Thôn bản vùng cao' });
  const sendAt = new Date(Date.now() + 4_000);
  const campaign = await call(running, 'officer', 'POST', '/v1/campaigns', {
    name: 'Ngày 30/7',
    message: 'Goi 111 neu nghi ngo mua ban nguoi.',
    audienceIds: [audience.body.id],
    schedule: { sendAt: sendAt.toISOString() },
  });
  expect(campaign.status, JSON.stringify(campaign.body)).toBe(201);
  const id = String(campaign.body.id);
  await call(running, 'officer', 'POST', `/v1/campaigns/${id}/submit`);
  expect((await call(running, 'approver', 'POST', `/v1/campaigns/${id}/approve`)).body.status).toBe(
    'scheduled',
  );

  expect(await running.stop('SIGTERM')).toBe(0);
  await sleep(Math.max(0, sendAt.getTime() - Date.now() + 500));

  running = await startLocalProcess(env);
  const restartedAt = Date.now();
  let status = '';
  while (Date.now() - restartedAt < 10_000) {
    status = String((await call(running, 'planner', 'GET', `/v1/campaigns/${id}`)).body.status);
    if (status === 'sending') break;
    await sleep(200);
  }
  expect(status).toBe('sending');
  const audit = await call(running, 'admin', 'GET', `/v1/audit?campaignId=${id}`);
  expect(audit.body.items).toEqual(
    expect.arrayContaining([expect.objectContaining({ action: 'start', to: 'sending', actor: 'system' })]),
  );
}, 180_000);
