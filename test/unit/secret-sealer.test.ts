import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { partnerSecretsKey, readConfig } from '#adapters/config.js';
import {
  kmsSecretSealer,
  localSecretSealer,
  openingCached,
  SealedSecretError,
} from '#adapters/secret-sealer.js';
import { partnerCodec } from '#adapters/table/records.js';
import type { StoredPartner } from '#core/partner.js';
import { storedPartner } from './fixtures.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const context = { partnerId: 'viettel-bk' };

describe('the local sealer (AES-256-GCM)', () => {
  const sealer = localSecretSealer('a local key');

  it('opens what it sealed, under the same context', async () => {
    const sealed = await sealer.seal(SECRET, context);
    expect(sealed).toMatch(/^local:/);
    expect(sealed).not.toContain(SECRET);
    expect(await sealer.open(sealed, { partnerId: 'viettel-bk' })).toBe(SECRET);
  });

  it('seals the same secret differently each time (a fresh IV)', async () => {
    expect(await sealer.seal(SECRET, context)).not.toBe(await sealer.seal(SECRET, context));
  });

  it.each([
    ['another context', sealer, { partnerId: 'mobifone-bk' }],
    ['no context', sealer, {}],
    ['another key', localSecretSealer('another key'), context],
  ])('refuses to open under %s', async (_case, opener, openContext) => {
    const sealed = await sealer.seal(SECRET, context);
    await expect(opener.open(sealed, openContext)).rejects.toBeInstanceOf(SealedSecretError);
    await expect(opener.open(sealed, openContext)).rejects.toMatchObject({
      code: 'SEALED_SECRET_UNREADABLE',
    });
  });

  it('refuses an altered value and a value sealed by KMS', async () => {
    const sealed = await sealer.seal(SECRET, context);
    const bytes = Buffer.from(sealed.slice('local:'.length), 'base64');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    await expect(sealer.open(`local:${bytes.toString('base64')}`, context)).rejects.toBeInstanceOf(
      SealedSecretError,
    );
    await expect(sealer.open('kms:AQID', context)).rejects.toBeInstanceOf(SealedSecretError);
  });
});

describe('the KMS sealer', () => {
  const kms = mockClient(KMSClient);
  const KEY = 'arn:aws:kms:ap-southeast-1:111122223333:key/partner-secrets';
  const sealer = kmsSecretSealer(new KMSClient({ region: 'ap-southeast-1' }), KEY);
  const blob = Uint8Array.from([1, 2, 3, 250]);

  beforeEach(() => kms.reset());

  it('encrypts under the key with the partner as encryption context', async () => {
    kms.on(EncryptCommand).resolves({ CiphertextBlob: blob, KeyId: KEY });
    expect(await sealer.seal(SECRET, context)).toBe(`kms:${Buffer.from(blob).toString('base64')}`);
    const [call] = kms.commandCalls(EncryptCommand);
    expect(call?.args[0].input).toEqual({
      KeyId: KEY,
      Plaintext: Buffer.from(SECRET, 'utf8'),
      EncryptionContext: { partnerId: 'viettel-bk' },
    });
  });

  it('decrypts with the same key and context', async () => {
    kms.on(DecryptCommand).resolves({ Plaintext: Buffer.from(SECRET, 'utf8'), KeyId: KEY });
    expect(await sealer.open(`kms:${Buffer.from(blob).toString('base64')}`, context)).toBe(SECRET);
    expect(kms.commandCalls(DecryptCommand)[0]?.args[0].input).toEqual({
      KeyId: KEY,
      CiphertextBlob: Buffer.from(blob),
      EncryptionContext: { partnerId: 'viettel-bk' },
    });
  });

  it('lets KMS refuse a wrong context (InvalidCiphertextException), and never asks for a local value', async () => {
    kms
      .on(DecryptCommand)
      .rejects(Object.assign(new Error('context mismatch'), { name: 'InvalidCiphertextException' }));
    await expect(sealer.open('kms:AQID', { partnerId: 'other' })).rejects.toMatchObject({
      name: 'InvalidCiphertextException',
    });
    kms.reset();
    await expect(sealer.open('local:AQID', context)).rejects.toBeInstanceOf(SealedSecretError);
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(0);
  });

  it('is asked once per sealed value when cached, and again for a new one (a rotation)', async () => {
    kms.on(DecryptCommand).resolves({ Plaintext: Buffer.from(SECRET, 'utf8') });
    const cachedSealer = openingCached(sealer);
    for (let i = 0; i < 50; i++) await cachedSealer.open('kms:AQID', context);
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(1);
    await cachedSealer.open('kms:AQIE', context);
    await cachedSealer.open('kms:AQID', { partnerId: 'other' });
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(3);
  });

  it('forgets a failed open, so the next one asks again', async () => {
    const cachedSealer = openingCached(sealer);
    kms
      .on(DecryptCommand)
      .rejectsOnce(new Error('throttled'))
      .resolves({ Plaintext: Buffer.from(SECRET) });
    await expect(cachedSealer.open('kms:AQID', context)).rejects.toThrow('throttled');
    expect(await cachedSealer.open('kms:AQID', context)).toBe(SECRET);
  });
});

describe('the partners’ secrets key (configuration)', () => {
  it('is the KMS key in AWS, a stand-in under the local runtime, and required otherwise', () => {
    expect(partnerSecretsKey(readConfig({ TABLE_NAME: 't', PARTNER_SECRETS_KEY_ARN: 'arn:k' }))).toEqual({
      kmsKeyId: 'arn:k',
    });
    expect(partnerSecretsKey(readConfig({ TABLE_NAME: 't', LOCAL_RUNTIME: '1' }))).toHaveProperty(
      'localStandIn',
    );
    expect(() => partnerSecretsKey(readConfig({ TABLE_NAME: 't' }))).toThrow('PARTNER_SECRETS_KEY_ARN');
  });
});

describe('the partner item', () => {
  const partner: StoredPartner = storedPartner('viettel-bk', { secrets: [] });

  it('holds the sealed secrets only, and reads back the same', async () => {
    const sealed = await localSecretSealer('k').seal(SECRET, context);
    const stored = { ...partner, secrets: [{ sealed }, { sealed, validUntil: '2027-07-02T00:00:00.000Z' }] };
    const item = partnerCodec.toItem(stored);
    expect(JSON.stringify(item)).not.toContain(SECRET);
    expect(partnerCodec.fromItem(item)).toEqual(stored);
  });

  it('still reads an item written before sealing, its secrets in clear', () => {
    const item = { ...partnerCodec.toItem(partner), secrets: [{ secret: SECRET }] };
    expect(partnerCodec.fromItem(item).secrets).toEqual([{ secret: SECRET }]);
  });
});
