import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { SecretSealer } from '#core/ports.js';
import { cached } from './cache.js';
import { kmsClient } from './clients.js';
import { partnerSecretsKey, readConfig, type Config } from './config.js';

/** A sealed value names how it was sealed, so a value sealed one way is never opened the other. */
const KMS_PREFIX = 'kms:';
const LOCAL_PREFIX = 'local:';

export class SealedSecretError extends Error {
  override readonly name = 'SealedSecretError';
  readonly code = 'SEALED_SECRET_UNREADABLE';
}

const unprefixed = (sealed: string, prefix: string): string => {
  if (!sealed.startsWith(prefix)) throw new SealedSecretError(`Not a value sealed with ${prefix}`);
  return sealed.slice(prefix.length);
};

/**
 * KMS `Encrypt` / `Decrypt` under the key (a signing secret is far below KMS's 4 KB): the context is the
 * encryption context, so CloudTrail names the partner of every use and a value opens for its partner only.
 */
export const kmsSecretSealer = (client: KMSClient, keyId: string): SecretSealer => ({
  async seal(plain, context) {
    const { CiphertextBlob } = await client.send(
      new EncryptCommand({
        KeyId: keyId,
        Plaintext: Buffer.from(plain, 'utf8'),
        EncryptionContext: { ...context },
      }),
    );
    if (!CiphertextBlob) throw new SealedSecretError('KMS returned no ciphertext');
    return KMS_PREFIX + Buffer.from(CiphertextBlob).toString('base64');
  },
  async open(sealed, context) {
    const { Plaintext } = await client.send(
      new DecryptCommand({
        KeyId: keyId,
        CiphertextBlob: Buffer.from(unprefixed(sealed, KMS_PREFIX), 'base64'),
        EncryptionContext: { ...context },
      }),
    );
    if (!Plaintext) throw new SealedSecretError('KMS returned no plaintext');
    return Buffer.from(Plaintext).toString('utf8');
  },
});

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** The context, authenticated with the ciphertext: the same entries in any order give the same bytes. */
const associatedData = (context: Readonly<Record<string, string>>) =>
  Buffer.from(JSON.stringify(Object.entries(context).sort(([a], [b]) => a.localeCompare(b))), 'utf8');

/** AES-256-GCM in node:crypto, for the local runtime: the same sealing, under a key of its own. */
export const localSecretSealer = (keyMaterial: string): SecretSealer => {
  const key = createHash('sha256').update(keyMaterial).digest();
  return {
    seal(plain, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(associatedData(context));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Promise.resolve(
        LOCAL_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64'),
      );
    },
    open(sealed, context) {
      try {
        const bytes = Buffer.from(unprefixed(sealed, LOCAL_PREFIX), 'base64');
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES))
          .setAAD(associatedData(context))
          .setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        const body = bytes.subarray(IV_BYTES + TAG_BYTES);
        return Promise.resolve(Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8'));
      } catch (error) {
        if (error instanceof SealedSecretError) return Promise.reject(error);
        // GCM's own error says only that authentication failed: another key, another context, or altered.
        return Promise.reject(
          new SealedSecretError('The sealed secret does not open under this key and context'),
        );
      }
    },
  };
};

/** How long an opened secret is remembered: webhooks and hand-overs read it all the time. */
export const OPENED_SECRET_TTL_MS = 5 * 60_000;

/**
 * Remembers what a sealed value opened to. Safe for rotations without a short TTL: a new secret is a new
 * sealed value, read from the item each time; the TTL only bounds how long a secret stays in memory.
 */
export const openingCached = (sealer: SecretSealer, ttlMs = OPENED_SECRET_TTL_MS): SecretSealer => {
  const open = cached(
    ttlMs,
    ({ sealed, context }: { sealed: string; context: Readonly<Record<string, string>> }) =>
      sealer.open(sealed, context),
    ({ sealed, context }) => `${associatedData(context).toString('utf8')}\n${sealed}`,
  );
  return {
    seal: (plain, context) => sealer.seal(plain, context),
    open: (sealed, context) => open({ sealed, context }),
  };
};

let containerSealer: SecretSealer | undefined;

/**
 * The sealer of partners' signing secrets, one per container (so its cache is shared): KMS with
 * PARTNER_SECRETS_KEY_ARN, or the local stand-in. Made at first use (the configuration read then, unless
 * given): a Lambda that never opens or seals a secret needs neither the key nor the variable.
 */
export const partnerSecretSealer = (config?: Config): SecretSealer => {
  const sealer = () => {
    if (containerSealer) return containerSealer;
    const key = partnerSecretsKey(config ?? readConfig());
    containerSealer = openingCached(
      'kmsKeyId' in key ? kmsSecretSealer(kmsClient(), key.kmsKeyId) : localSecretSealer(key.localStandIn),
    );
    return containerSealer;
  };
  return {
    seal: (plain, context) => sealer().seal(plain, context),
    open: (sealed, context) => sealer().open(sealed, context),
  };
};
