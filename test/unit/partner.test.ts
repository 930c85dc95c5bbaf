import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '#core/errors.js';
import type { Page, PageRequest } from '#core/page.js';
import {
  PREVIOUS_SECRET_GRACE_MS,
  PartnerInput,
  activeSecrets,
  openPartner,
  rotateSecrets,
  type SigningSecret,
  type StoredPartner,
} from '#core/partner.js';
import {
  getPartner,
  listPartners,
  rotatePartnerSecret,
  savePartner,
  sealStoredSecrets,
  type PartnerDeps,
  type PartnerStore,
} from '#core/partner-service.js';
import type { SecretSealer } from '#core/ports.js';
import { localSecretSealer } from '#adapters/secret-sealer.js';
import { addressKind, addressProblem, webhookUrlProblem } from '#core/partner-webhook-url.js';

const HOUR = 60 * 60 * 1000;
const T0 = new Date('2027-07-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('signing secrets', () => {
  it('keeps a 24 h grace period, as contract §3 says', () => {
    expect(PREVIOUS_SECRET_GRACE_MS).toBe(24 * HOUR);
  });

  it('has only the current secret active before any rotation', () => {
    expect(activeSecrets({ secrets: [{ secret: 'one' }] }, at(365 * 24 * HOUR))).toEqual(['one']);
  });

  it('puts the new secret first and retires the old one 24 h after the rotation', () => {
    expect(rotateSecrets([{ secret: 'one' }], { secret: 'two' }, T0)).toEqual([
      { secret: 'two' },
      { secret: 'one', validUntil: '2027-07-02T00:00:00.000Z' },
    ]);
  });

  it.each([
    ['just after the rotation', 0, ['two', 'one']],
    ['23 h 59 min later', 24 * HOUR - 60_000, ['two', 'one']],
    ['1 ms before 24 h', 24 * HOUR - 1, ['two', 'one']],
    ['exactly 24 h later', 24 * HOUR, ['two']],
    ['a week later', 7 * 24 * HOUR, ['two']],
  ])('accepts the right secrets %s', (_case, after, active) => {
    const secrets = rotateSecrets([{ secret: 'one' }], { secret: 'two' }, T0);
    expect(activeSecrets({ secrets }, at(after))).toEqual(active);
  });

  it('keeps both earlier secrets after two rotations within a day, each with its own deadline', () => {
    const once = rotateSecrets([{ secret: 'one' }], { secret: 'two' }, T0);
    const twice = rotateSecrets(once, { secret: 'three' }, at(2 * HOUR));
    expect(twice).toEqual([
      { secret: 'three' },
      { secret: 'two', validUntil: at(26 * HOUR).toISOString() },
      { secret: 'one', validUntil: at(24 * HOUR).toISOString() },
    ]);
    expect(activeSecrets({ secrets: twice }, at(3 * HOUR))).toEqual(['three', 'two', 'one']);
    expect(activeSecrets({ secrets: twice }, at(25 * HOUR))).toEqual(['three', 'two']);
    expect(activeSecrets({ secrets: twice }, at(26 * HOUR))).toEqual(['three']);
  });

  it('drops secrets that have expired by the time of the next rotation', () => {
    const once = rotateSecrets([{ secret: 'one' }], { secret: 'two' }, T0);
    const twice = rotateSecrets(once, { secret: 'three' }, at(30 * HOUR));
    expect(twice.map((s) => s.secret)).toEqual(['three', 'two']);
    expect(activeSecrets({ secrets: twice }, at(30 * HOUR))).toEqual(['three', 'two']);
  });

  it('never stores more secrets than are still valid, however often it rotates', () => {
    let secrets: SigningSecret[] = [{ secret: 's0' }];
    for (let i = 1; i <= 10; i++) {
      const now = at(i * 10 * HOUR);
      secrets = rotateSecrets(secrets, { secret: `s${i}` }, now);
      expect(secrets).toHaveLength(activeSecrets({ secrets }, now).length);
    }
    // every 10 h with a 24 h grace: the current secret and the three retired at 100 h, 90 h and 80 h
    expect(secrets.map((s) => s.secret)).toEqual(['s10', 's9', 's8', 's7']);
  });

  it('does not extend the deadline of an already retired secret', () => {
    const once = rotateSecrets<SigningSecret>([{ secret: 'one' }], { secret: 'two' }, T0);
    const twice = rotateSecrets(once, { secret: 'three' }, at(HOUR));
    expect(twice.find((s) => s.secret === 'one')?.validUntil).toBe(at(24 * HOUR).toISOString());
  });

  it('leaves the list it is given unchanged', () => {
    const before: SigningSecret[] = [{ secret: 'one' }];
    rotateSecrets(before, { secret: 'two' }, T0);
    expect(before).toEqual([{ secret: 'one' }]);
  });
});

/** The storage port in memory, with the same lost-update guard as the DynamoDB adapter. */
class InMemoryPartnerStore implements PartnerStore {
  readonly items = new Map<string, StoredPartner>();
  readonly writes: { id: string; expectedUpdatedAt: string | undefined }[] = [];

  async get(id: string): Promise<StoredPartner | undefined> {
    const item = this.items.get(id);
    return item && structuredClone(item);
  }

  async put(partner: StoredPartner, expectedUpdatedAt: string | undefined): Promise<void> {
    this.writes.push({ id: partner.id, expectedUpdatedAt });
    if (this.items.get(partner.id)?.updatedAt !== expectedUpdatedAt) {
      throw new ConflictError(`Partner ${partner.id} was changed by another request; retry`);
    }
    this.items.set(partner.id, structuredClone(partner));
  }

  async list({ limit, cursor }: PageRequest): Promise<Page<StoredPartner>> {
    const all = [...this.items.values()].sort((a, b) => a.id.localeCompare(b.id));
    const start = cursor ? all.findIndex((p) => p.id > cursor) : 0;
    const items = start < 0 ? [] : all.slice(start, start + limit);
    const last = items.at(-1);
    return { items, nextCursor: last && start + limit < all.length ? last.id : null };
  }
}

const input = (overrides: Record<string, unknown> = {}): PartnerInput =>
  PartnerInput.parse({
    name: 'Viettel Bắc Kạn',
    webhookUrl: 'https://sms.viettel.example/v1/batches',
    carriers: ['viettel'],
    tps: 100,
    senderId: 'BOCONGAN',
    ...overrides,
  });

/** The local sealer, counting its calls: a sealed partner must not be sealed (or opened) again. */
const countingSealer = () => {
  const inner = localSecretSealer('unit-test-key');
  const calls = { seal: 0, open: 0 };
  const sealer: SecretSealer = {
    seal: (plain, context) => (calls.seal++, inner.seal(plain, context)),
    open: (sealed, context) => (calls.open++, inner.open(sealed, context)),
  };
  return { sealer, calls };
};

describe('partner use cases', () => {
  let store: InMemoryPartnerStore;
  let clock: Date;
  let issued: number;
  let deps: PartnerDeps;
  let sealing: ReturnType<typeof countingSealer>;

  beforeEach(() => {
    store = new InMemoryPartnerStore();
    clock = T0;
    issued = 0;
    sealing = countingSealer();
    deps = {
      store,
      now: () => clock,
      newSecret: () => `whsec_secret-${++issued}`,
      sealer: sealing.sealer,
      webhookPolicy: { allowLoopback: false },
    };
  });

  const opened = async (id: string) => {
    const stored = store.items.get(id);
    if (!stored) throw new Error(`no partner ${id}`);
    return openPartner(deps.sealer, stored);
  };

  /** A partner written before secrets were sealed: its secrets in clear. */
  const oldStyle = (id: string, secrets: SigningSecret[]): StoredPartner => ({
    ...input(),
    id,
    createdAt: T0.toISOString(),
    updatedAt: T0.toISOString(),
    secretRotatedAt: T0.toISOString(),
    secrets,
  });

  it('creates an unknown partner with a fresh secret, shown once', async () => {
    const result = await savePartner(deps, 'viettel-bk', input());
    expect(result).toEqual({
      created: true,
      partner: {
        ...input(),
        id: 'viettel-bk',
        createdAt: T0.toISOString(),
        updatedAt: T0.toISOString(),
        secretRotatedAt: T0.toISOString(),
        signingSecret: 'whsec_secret-1',
      },
    });
    expect(result.partner).not.toHaveProperty('secrets');
    expect(store.items.get('viettel-bk')?.secrets).toEqual([{ sealed: expect.stringMatching(/^local:/) }]);
    expect(JSON.stringify(store.items.get('viettel-bk'))).not.toContain('whsec_secret-1');
    expect((await opened('viettel-bk')).secrets).toEqual([{ secret: 'whsec_secret-1' }]);
    expect(store.writes).toEqual([{ id: 'viettel-bk', expectedUpdatedAt: undefined }]);
  });

  it('updates a known partner, keeping its secret and createdAt and showing no secret', async () => {
    await savePartner(deps, 'viettel-bk', input());
    const sealedBefore = store.items.get('viettel-bk')?.secrets;
    clock = at(HOUR);
    const result = await savePartner(deps, 'viettel-bk', input({ tps: 250, enabled: false }));

    expect(result.created).toBe(false);
    expect(result.partner).toMatchObject({
      id: 'viettel-bk',
      tps: 250,
      enabled: false,
      createdAt: T0.toISOString(),
      updatedAt: at(HOUR).toISOString(),
      secretRotatedAt: T0.toISOString(),
    });
    expect(result.partner).not.toHaveProperty('signingSecret');
    expect(result.partner).not.toHaveProperty('secrets');
    expect(store.items.get('viettel-bk')?.secrets).toEqual(sealedBefore);
    expect(sealing.calls).toEqual({ seal: 1, open: 0 });
    expect(issued).toBe(1);
    expect(store.writes.at(-1)).toEqual({ id: 'viettel-bk', expectedUpdatedAt: T0.toISOString() });
  });

  it('lets an update lost to a concurrent one fail with a conflict', async () => {
    await savePartner(deps, 'viettel-bk', input());
    const stale = store.get.bind(store);
    store.get = async (id) => {
      const seen = await stale(id);
      store.items.set(id, { ...(seen as StoredPartner), updatedAt: at(1).toISOString() });
      return seen;
    };
    await expect(savePartner(deps, 'viettel-bk', input({ tps: 5 }))).rejects.toThrow(ConflictError);
  });

  it('rotates the secret: returns the new one, keeps the old one valid for 24 h', async () => {
    await savePartner(deps, 'viettel-bk', input());
    clock = at(2 * HOUR);
    expect(await rotatePartnerSecret(deps, 'viettel-bk')).toEqual({ signingSecret: 'whsec_secret-2' });

    const stored = store.items.get('viettel-bk');
    expect(stored).toMatchObject({
      secretRotatedAt: at(2 * HOUR).toISOString(),
      updatedAt: at(2 * HOUR).toISOString(),
      createdAt: T0.toISOString(),
    });
    const partner = await opened('viettel-bk');
    expect(activeSecrets(partner, at(3 * HOUR))).toEqual(['whsec_secret-2', 'whsec_secret-1']);
    expect(activeSecrets(partner, at(26 * HOUR))).toEqual(['whsec_secret-2']);
    expect(JSON.stringify(stored)).not.toContain('whsec_');
    // Rotating opens nothing (the old sealed value only gets its deadline): both opens are `opened` above.
    expect(sealing.calls).toEqual({ seal: 2, open: 2 });
    expect(store.writes.at(-1)).toEqual({ id: 'viettel-bk', expectedUpdatedAt: T0.toISOString() });
  });

  it('seals the clear secrets of a partner written before sealing at its next update', async () => {
    store.items.set('old-bk', oldStyle('old-bk', [{ secret: 'whsec_old' }]));
    clock = at(HOUR);
    await savePartner(deps, 'old-bk', input({ tps: 7 }));
    expect(JSON.stringify(store.items.get('old-bk'))).not.toContain('whsec_old');
    expect((await opened('old-bk')).secrets).toEqual([{ secret: 'whsec_old' }]);
  });

  it('seals every clear secret, deadlines kept, when it rotates an old partner', async () => {
    const until = at(5 * HOUR).toISOString();
    store.items.set(
      'old-bk',
      oldStyle('old-bk', [{ secret: 'whsec_current' }, { secret: 'whsec_retired', validUntil: until }]),
    );
    clock = at(HOUR);
    await rotatePartnerSecret(deps, 'old-bk');
    expect(JSON.stringify(store.items.get('old-bk'))).not.toMatch(/whsec_(current|retired)/);
    expect((await opened('old-bk')).secrets).toEqual([
      { secret: 'whsec_secret-1' },
      { secret: 'whsec_current', validUntil: at(25 * HOUR).toISOString() },
      { secret: 'whsec_retired', validUntil: until },
    ]);
  });

  it('still verifies with an old partner read before any write: a clear secret opens as it is', async () => {
    store.items.set('old-bk', oldStyle('old-bk', [{ secret: 'whsec_old' }]));
    expect(activeSecrets(await opened('old-bk'), T0)).toEqual(['whsec_old']);
    expect(sealing.calls.open).toBe(0);
  });

  it('migrates: seals the partners still in clear, once, and leaves sealed ones alone', async () => {
    await savePartner(deps, 'new-bk', input());
    store.items.set('old-1', oldStyle('old-1', [{ secret: 'whsec_one' }]));
    store.items.set('old-2', oldStyle('old-2', [{ secret: 'whsec_two' }]));
    const writesBefore = store.writes.length;
    expect(await sealStoredSecrets(deps)).toEqual({ partners: 3, partnersSealed: 2 });
    expect(store.writes.slice(writesBefore).map((w) => w.id)).toEqual(['old-1', 'old-2']);
    expect(JSON.stringify([...store.items.values()])).not.toContain('whsec_');
    expect((await opened('old-2')).secrets).toEqual([{ secret: 'whsec_two' }]);
    expect(store.items.get('old-1')?.updatedAt).toBe(T0.toISOString());
    expect(await sealStoredSecrets(deps)).toEqual({ partners: 3, partnersSealed: 0 });
  });

  it('cannot open a sealed secret copied into another partner (the context is the partner id)', async () => {
    await savePartner(deps, 'viettel-bk', input());
    const copied = { ...(store.items.get('viettel-bk') as StoredPartner), id: 'attacker-bk' };
    await expect(openPartner(deps.sealer, copied)).rejects.toMatchObject({
      code: 'SEALED_SECRET_UNREADABLE',
    });
  });

  it('reads and lists partners without any secret', async () => {
    await savePartner(deps, 'viettel-bk', input());
    await savePartner(deps, 'mobifone-bk', input({ carriers: ['mobifone'] }));
    await rotatePartnerSecret(deps, 'viettel-bk');

    const one = await getPartner(deps, 'viettel-bk');
    expect(one).toMatchObject({ id: 'viettel-bk', name: 'Viettel Bắc Kạn' });
    const page = await listPartners(deps, { limit: 10 });
    expect(page.items.map((p) => p.id)).toEqual(['mobifone-bk', 'viettel-bk']);
    expect(page.nextCursor).toBeNull();
    for (const view of [one, ...page.items]) {
      expect(view).not.toHaveProperty('secrets');
      expect(view).not.toHaveProperty('signingSecret');
      expect(JSON.stringify(view)).not.toContain('whsec_');
    }
  });

  it('passes the page request through to the store', async () => {
    for (const id of ['a-1', 'a-2', 'a-3']) await savePartner(deps, id, input());
    const first = await listPartners(deps, { limit: 2 });
    expect(first).toEqual({
      items: [expect.objectContaining({ id: 'a-1' }), expect.objectContaining({ id: 'a-2' })],
      nextCursor: 'a-2',
    });
    const second = await listPartners(deps, { limit: 2, cursor: 'a-2' });
    expect(second).toEqual({ items: [expect.objectContaining({ id: 'a-3' })], nextCursor: null });
  });

  it.each([
    ['reading', (d: PartnerDeps) => getPartner(d, 'nobody')],
    ['rotating the secret of', (d: PartnerDeps) => rotatePartnerSecret(d, 'nobody')],
  ])('answers NotFoundError when %s an unknown partner', async (_case, call) => {
    await expect(call(deps)).rejects.toThrow(NotFoundError);
    await expect(call(deps)).rejects.toMatchObject({ status: 404, code: 'not_found' });
    expect(store.writes).toEqual([]);
    expect(issued).toBe(0);
  });
});

describe('webhook URLs (SSRF guard)', () => {
  const aws = { allowLoopback: false };
  const local = { allowLoopback: true };

  it.each([
    ['https://169.254.169.254/latest/meta-data/', 'link-local'],
    ['https://169.254.170.2/v2/credentials', 'link-local'],
    ['https://[fe80::1]/sms', 'link-local'],
    ['https://[fd00:ec2::254]/', 'link-local'],
    ['https://0.0.0.0/sms', 'link-local'],
    ['https://0/sms', 'link-local'],
    ['https://[::ffff:169.254.169.254]/', 'link-local'],
    ['https://224.0.0.1/sms', 'link-local'],
    ['https://10.0.0.1/sms', 'private'],
    ['https://172.16.5.4/sms', 'private'],
    ['https://192.168.1.10/sms', 'private'],
    ['https://100.64.0.1/sms', 'private'],
    ['https://[fd12:3456::1]/sms', 'private'],
    ['https://[::ffff:10.0.0.1]/sms', 'private'],
  ])('refuses %s everywhere (%s)', (url, reason) => {
    expect(webhookUrlProblem(url, aws)?.message).toContain(reason);
    expect(webhookUrlProblem(url, local)?.message).toContain(reason);
  });

  it.each([
    'https://localhost:9001/2018-06-01/runtime/invocation/next',
    'https://127.0.0.1/sms',
    'https://0x7f000001/sms',
    'https://2130706433/sms',
    'https://127.1/sms',
    'https://0177.0.0.1/sms',
    'https://[::1]/sms',
    'https://[::ffff:127.0.0.1]/sms',
    'https://api.localhost/sms',
  ])('refuses the loopback %s in AWS, allows it where loopback is allowed', (url) => {
    expect(webhookUrlProblem(url, aws)?.message).toMatch(/loopback/);
    expect(webhookUrlProblem(url, local)).toBeUndefined();
  });

  it('requires https in AWS; http only where loopback is allowed', () => {
    expect(webhookUrlProblem('http://sms.viettel.example/v1', aws)?.message).toBe('must be an https URL');
    expect(webhookUrlProblem('http://127.0.0.1:4001/sms', local)).toBeUndefined();
    expect(webhookUrlProblem('ftp://sms.viettel.example/v1', local)?.message).toBe('must be an http(s) URL');
    expect(webhookUrlProblem('https://sms.viettel.example/v1', aws)).toBeUndefined();
    expect(webhookUrlProblem('https://203.113.131.1/v1', aws)).toBeUndefined();
  });

  it('refuses credentials in the URL and single-label host names', () => {
    expect(webhookUrlProblem('https://user:pw@sms.viettel.example/', aws)?.message).toMatch(/credentials/);
    expect(webhookUrlProblem('https://metadata/computeMetadata', aws)?.message).toMatch(/not a public host/);
  });

  it('classifies resolved addresses, IPv4-mapped IPv6 as its IPv4 address', () => {
    expect(
      ['203.113.131.1', '127.0.0.1', '::ffff:7f00:1', '10.1.2.3', '169.254.169.254', '2001:4860::8888'].map(
        addressKind,
      ),
    ).toEqual(['public', 'loopback', 'loopback', 'private', 'forbidden', 'public']);
    expect(addressProblem('127.0.0.1', local)).toBeUndefined();
    expect(addressProblem('127.0.0.1', aws)?.message).toMatch(/loopback/);
    expect(addressProblem('169.254.169.254', local)?.message).toMatch(/link-local/);
  });

  it('refuses to save a partner whose webhook is not allowed, naming the field', async () => {
    const deps: PartnerDeps = {
      store: new InMemoryPartnerStore(),
      now: () => T0,
      newSecret: () => 'whsec_x',
      sealer: countingSealer().sealer,
      webhookPolicy: aws,
    };
    const saving = savePartner(deps, 'metadata', input({ webhookUrl: 'https://169.254.169.254/' }));
    await expect(saving).rejects.toBeInstanceOf(ValidationError);
    await expect(saving).rejects.toMatchObject({
      details: [
        { path: 'webhookUrl', message: '169.254.169.254 is a link-local, metadata or reserved address' },
      ],
    });
  });
});
