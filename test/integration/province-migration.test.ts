import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoAudienceStore } from '#adapters/audience-store.js';
import { dynamoDocumentClient, tableName } from '#adapters/clients.js';
import { migrationDeps } from '#adapters/deps.js';
import type { AudienceMember } from '#core/audience.js';
import { SCHEMA_VERSION, migrate } from '#core/migration.js';
import { canonicaliseAudienceProvinces } from '#core/province-migration.js';
import { startTestApi, type TestApi } from '#support/api.js';
import { bodyOf, send } from '#support/typed-api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const store = () => dynamoAudienceStore(dynamoDocumentClient(), tableName());

const OLD_MEMBERS: AudienceMember[] = [
  { phone: '+84981000001', carrier: 'viettel', province: 'Bắc Kạn', district: 'Chợ Đồn', tags: ['hs'] },
  { phone: '+84981000002', carrier: 'viettel', province: 'Bac Kan' },
  { phone: '+84981000003', carrier: 'viettel', province: 'tỉnh Hà Giang' },
  { phone: '+84981000004', carrier: 'viettel', province: 'Thái Nguyên' },
  { phone: '+84981000005', carrier: 'viettel', province: 'Mường Tè' },
  { phone: '+84981000006', carrier: 'viettel' },
];

/** An audience as imports before the registry left it: members and counters as officers typed them. */
const seedOldAudience = async (): Promise<string> => {
  const created = await send(api, 'createAudience', { as: 'officer', json: { name: 'trước 2025' } });
  const { id } = bodyOf(created, 201);
  const now = new Date();
  const lease = { id: `old-import-${id}`, now, until: new Date(now.getTime() + 60_000) };
  await store().beginImport(id, lease);
  // Two imports' worth of chunks, so the rewrite spans chunk items.
  await store().addMembers(id, lease.id, OLD_MEMBERS.slice(0, 3));
  await store().addMembers(id, `${lease.id}-b`, OLD_MEMBERS.slice(3));
  await store().finishImport(id, lease, {
    size: 6,
    byCarrier: new Map([['viettel', 6]]),
    byProvince: new Map([
      ['Bắc Kạn', 1],
      ['Bac Kan', 1],
      ['tỉnh Hà Giang', 1],
      ['Thái Nguyên', 1],
      ['Mường Tè', 1],
    ]),
    byLanguage: new Map(),
    attributes: new Map(),
  });
  return id;
};

const audienceOf = async (audienceId: string) =>
  bodyOf(await send(api, 'getAudience', { params: { audienceId } }), 200);

const members = async (id: string) => {
  const all: AudienceMember[] = [];
  for await (const chunk of store().members(id)) all.push(...chunk);
  return all.sort((a, b) => a.phone.localeCompare(b.phone));
};

describe('the province migration', () => {
  it('rewrites old members and counters to current units, and changes nothing when run again', async () => {
    const id = await seedOldAudience();
    const other = await seedOldAudience();
    const once = await canonicaliseAudienceProvinces(migrationDeps());
    expect(once).toEqual({ audiences: 2, membersChanged: 6 });
    // A second run (or a run after one that stopped half-way) finds nothing left to change.
    const again = await canonicaliseAudienceProvinces(migrationDeps());
    expect(again).toEqual({ audiences: 2, membersChanged: 0 });
    const audience = await audienceOf(id);
    expect(audience).toMatchObject({
      size: 6,
      byCarrier: { viettel: 6 },
      byProvince: { 'Thái Nguyên': 3, 'Tuyên Quang': 1, 'Mường Tè': 1 },
    });
    expect(await members(id)).toEqual([
      {
        phone: '+84981000001',
        carrier: 'viettel',
        province: 'Thái Nguyên',
        district: 'Chợ Đồn',
        tags: ['hs'],
      },
      { phone: '+84981000002', carrier: 'viettel', province: 'Thái Nguyên' },
      { phone: '+84981000003', carrier: 'viettel', province: 'Tuyên Quang' },
      { phone: '+84981000004', carrier: 'viettel', province: 'Thái Nguyên' },
      { phone: '+84981000005', carrier: 'viettel', province: 'Mường Tè' },
      { phone: '+84981000006', carrier: 'viettel' },
    ]);
    expect((await audienceOf(other)).byProvince).toEqual(audience.byProvince);

    // The audience is free for imports again, which add to the merged counters.
    const imported = await send(api, 'importSubscribers', {
      params: { audienceId: id },
      as: 'officer',
      json: { subscribers: [{ phone: '0981000007', province: 'Bắc Kạn' }] },
    });
    expect(bodyOf(imported, 200)).toMatchObject({ accepted: 1, size: 7 });
    expect((await audienceOf(id)).byProvince).toEqual({
      'Thái Nguyên': 4,
      'Tuyên Quang': 1,
      'Mường Tè': 1,
    });
  });

  it('counts the members it changed, and runs once behind the schema version', async () => {
    const deps = migrationDeps();
    await deps.store.setSchemaVersion(0);
    const id = await seedOldAudience();
    const report = await migrate(deps);
    expect(report).toMatchObject({ fromVersion: 0, version: SCHEMA_VERSION });
    expect(report.steps?.[1]?.membersChanged).toBeGreaterThanOrEqual(3);
    expect((await members(id)).map((m) => m.province)).toEqual([
      'Thái Nguyên',
      'Thái Nguyên',
      'Tuyên Quang',
      'Thái Nguyên',
      'Mường Tè',
      undefined,
    ]);
    expect(await deps.store.schemaVersion()).toBe(SCHEMA_VERSION);
    // Later starts read the version item and touch nothing.
    const later = await seedOldAudience();
    expect(await migrate(deps)).toEqual({ fromVersion: SCHEMA_VERSION, version: SCHEMA_VERSION });
    expect((await members(later)).map((m) => m.province)).toContain('Bac Kan');
  });
});
