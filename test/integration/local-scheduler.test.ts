import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect, it } from 'vitest';
import { freePort } from '#local/dynamodb.js';
import { startLocalProcess, type LocalProcess } from '#support/process.js';
import { waitFor } from '#support/sending.js';

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
  // Far enough ahead that creating, approving and stopping happen before it, even on a loaded machine.
  const sendAt = new Date(Date.now() + 8_000);
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
  const stoppedAt = Date.now();
  expect(stoppedAt, 'the runtime must stop before the campaign falls due').toBeLessThan(sendAt.getTime());
  await sleep(Math.max(0, sendAt.getTime() - Date.now() + 500));

  const restarted = await startLocalProcess(env);
  running = restarted;
  // The campaign has no members: once started it completes at once, so only the end state is waited for.
  let status = '';
  await waitFor(
    () => `campaign ${id} to complete after the restart (is ${status})`,
    async () => {
      status = String((await call(restarted, 'planner', 'GET', `/v1/campaigns/${id}`)).body.status);
      return status === 'completed';
    },
    30_000,
    200,
  );
  const audit = await call(restarted, 'admin', 'GET', `/v1/audit?campaignId=${id}`);
  const entries = audit.body.items as { action: string; to: string; actor: string; at: string }[];
  const start = entries.find((entry) => entry.action === 'start');
  expect(start).toMatchObject({ to: 'sending', actor: 'system' });
  expect(Date.parse(start?.at ?? ''), 'started after the restart, not before the stop').toBeGreaterThan(
    stoppedAt,
  );
  expect(entries).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ action: 'complete', to: 'completed', actor: 'system' }),
    ]),
  );
}, 180_000);
