import * as z from 'zod';
import { schemaMessage } from './messages.js';
import { nameText } from './text.js';
import { CARRIERS } from './carriers.js';
import type { SecretSealer } from './ports.js';

/** A price per segment has at most 4 decimals. */
const PRICE_DECIMALS = 10_000;
const PRICE_STEP = 1 / PRICE_DECIMALS;
const hasPriceDecimals = (price: number) => Math.round(price * PRICE_DECIMALS) / PRICE_DECIMALS === price;

/** Contract §3: a telecom partner that delivers our SMS batches. */
export const PartnerId = z
  .string()
  .regex(/^[a-z0-9-]{2,40}$/, schemaMessage('invalid_partner_id'))
  .meta({ description: 'Chosen by the admin', example: 'viettel-hn' });

export const PartnerInput = z
  .strictObject({
    name: nameText(100).min(1),
    kind: z.enum(['webhook', 'sns']).default('webhook').meta({
      description:
        '`webhook` (default): signed HTTP batches; `sns`: Amazon SNS SMS for areas no carrier covers',
    }),
    webhookUrl: z
      .url({ protocol: /^https?$/, error: schemaMessage('invalid_http_url') })
      .max(2048)
      .meta({ example: 'https://sms.partner.example/v1/batches' }),
    carriers: z
      .array(z.enum([...CARRIERS, '*']))
      .min(1)
      .max(CARRIERS.length + 1)
      .refine((list) => new Set(list).size === list.length, schemaMessage('duplicate_carrier'))
      .meta({ description: 'Carriers this partner serves, or ["*"] for any' }),
    tps: z.int().min(1).max(10_000).meta({ description: 'Messages per second the partner accepts' }),
    maxBatchSize: z.int().min(1).max(1000).default(100),
    senderId: z
      .string()
      .regex(/^[A-Za-z0-9 .-]{1,11}$/, schemaMessage('invalid_sender_id'))
      .meta({ description: 'Brandname shown to subscribers', example: 'BOCONGAN' }),
    pricePerSegment: z
      .number()
      .min(0)
      .max(1_000_000)
      // Not zod's multipleOf, which lets 1e-230 through: DynamoDB cannot store it (a 500 found by the fuzzer).
      .refine(hasPriceDecimals, schemaMessage('not_multiple_of', { divisor: PRICE_STEP }))
      .meta({ multipleOf: PRICE_STEP })
      .default(0),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, schemaMessage('invalid_currency'))
      .default('VND'),
    enabled: z.boolean().default(true),
  })
  .meta({ id: 'PartnerInput' });
export type PartnerInput = z.infer<typeof PartnerInput>;

export const PartnerView = PartnerInput.extend({
  id: PartnerId,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  secretRotatedAt: z.iso.datetime(),
}).meta({ id: 'Partner' });
export type PartnerView = z.infer<typeof PartnerView>;

export const PartnerWithSecret = PartnerView.extend({
  signingSecret: z.string().meta({ description: '`whsec_` + base64; shown only on create and rotate' }),
}).meta({ id: 'PartnerWithSecret' });

/** A signing secret stays valid this long after a rotation replaced it (contract §3). */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 60 * 60 * 1000;

export interface SigningSecret {
  secret: string;
  /** Absent for the current secret; set when a rotation retires it. */
  validUntil?: string;
}

export interface Partner extends PartnerView {
  secrets: SigningSecret[];
}

/** Secrets that still verify a signature at `now`: the current one and any retired < 24 h ago. */
export const activeSecrets = (partner: Pick<Partner, 'secrets'>, now: Date): string[] =>
  partner.secrets
    .filter((s) => !s.validUntil || Date.parse(s.validUntil) > now.getTime())
    .map((s) => s.secret);

/** A signing secret as the table holds it: sealed (ports.ts `SecretSealer`), never the secret itself. */
export interface SealedSecret {
  sealed: string;
  validUntil?: string;
}

/**
 * What an item holds: sealed secrets; a `SigningSecret` in clear only in an item written before secrets were
 * sealed, which its next write (an update, a rotation) or the migration seals.
 */
export type StoredSecret = SealedSecret | SigningSecret;

/** A partner as stored: its secrets sealed. `openPartner` makes the `Partner` that signs and verifies. */
export interface StoredPartner extends PartnerView {
  secrets: StoredSecret[];
}

/** What a partner's secrets are sealed under: a sealed secret opens for its own partner only. */
export const sealContext = (partnerId: string) => ({ partnerId });

const withDeadline = <S extends StoredSecret>(secret: S, validUntil: string | undefined): S =>
  validUntil === undefined ? secret : { ...secret, validUntil };

/** The secrets with every one still in clear sealed; sealed ones as they are (no call to the sealer). */
export const sealSecrets = (
  sealer: SecretSealer,
  partnerId: string,
  secrets: readonly StoredSecret[],
): Promise<SealedSecret[]> =>
  Promise.all(
    secrets.map(async (s) =>
      'sealed' in s
        ? s
        : withDeadline({ sealed: await sealer.seal(s.secret, sealContext(partnerId)) }, s.validUntil),
    ),
  );

/** The partner with its secrets opened, to sign a hand-over or verify a webhook with. */
export const openPartner = async (sealer: SecretSealer, stored: StoredPartner): Promise<Partner> => ({
  ...stored,
  secrets: await Promise.all(
    stored.secrets.map(async (s) =>
      'sealed' in s
        ? withDeadline({ secret: await sealer.open(s.sealed, sealContext(stored.id)) }, s.validUntil)
        : s,
    ),
  ),
});

/** After a rotation: the new secret first, the old current one retired at now + 24 h, expired ones dropped. */
export const rotateSecrets = <S extends StoredSecret>(
  secrets: readonly S[],
  fresh: NoInfer<S>,
  now: Date,
): S[] => [
  fresh,
  ...secrets
    .map((s) =>
      s.validUntil
        ? s
        : { ...s, validUntil: new Date(now.getTime() + PREVIOUS_SECRET_GRACE_MS).toISOString() },
    )
    .filter((s) => s.validUntil && Date.parse(s.validUntil) > now.getTime()),
];

/** What the API shows of a partner: never its secrets, sealed or not. */
export const toView = ({
  secrets: _secrets,
  ...view
}: PartnerView & { secrets: readonly unknown[] }): PartnerView => view;
