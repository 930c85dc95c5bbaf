import { detail, NotFoundError, ValidationError } from './errors.js';
import type { Page, PageRequest } from './page.js';
import { webhookUrlProblem, type WebhookUrlPolicy } from './partner-webhook-url.js';
import {
  rotateSecrets,
  sealContext,
  sealSecrets,
  toView,
  type PartnerInput,
  type PartnerView,
  type StoredPartner,
} from './partner.js';
import type { SecretSealer } from './ports.js';
import type { Clock } from './clock.js';

/** The storage a partner use case needs; DynamoDB implements it in adapters/partner-store.ts. */
export interface PartnerStore {
  get(id: string): Promise<StoredPartner | undefined>;
  /** Writes the partner; `expectedUpdatedAt` guards against a lost update (undefined = must not exist yet). */
  put(partner: StoredPartner, expectedUpdatedAt: string | undefined): Promise<void>;
  list(page: PageRequest): Promise<Page<StoredPartner>>;
}

export interface PartnerDeps extends Clock {
  store: PartnerStore;
  newSecret: () => string;
  /** Seals a secret before it is stored: the table never holds one in clear. */
  sealer: SecretSealer;
  /** Which webhook URLs may be saved (SSRF guard; loopback only for the local runtime and tests). */
  webhookPolicy: WebhookUrlPolicy;
}

export type SavePartnerResult =
  | { created: true; partner: PartnerView & { signingSecret: string } }
  | { created: false; partner: PartnerView };

export const savePartner = async (
  deps: PartnerDeps,
  id: string,
  input: PartnerInput,
): Promise<SavePartnerResult> => {
  const problem = webhookUrlProblem(input.webhookUrl, deps.webhookPolicy);
  if (problem)
    throw new ValidationError('The webhook URL is not allowed', [
      detail('webhookUrl', problem.code, problem.params),
    ]);
  const now = deps.now().toISOString();
  const existing = await deps.store.get(id);
  if (existing) {
    // An item from before secrets were sealed is sealed now; a sealed one costs no call.
    const secrets = await sealSecrets(deps.sealer, id, existing.secrets);
    const updated: StoredPartner = { ...existing, ...input, id, updatedAt: now, secrets };
    await deps.store.put(updated, existing.updatedAt);
    return { created: false, partner: toView(updated) };
  }
  const signingSecret = deps.newSecret();
  const partner: StoredPartner = {
    ...input,
    id,
    createdAt: now,
    updatedAt: now,
    secretRotatedAt: now,
    secrets: [{ sealed: await deps.sealer.seal(signingSecret, sealContext(id)) }],
  };
  await deps.store.put(partner, undefined);
  return { created: true, partner: { ...toView(partner), signingSecret } };
};

export const getPartner = async (deps: Pick<PartnerDeps, 'store'>, id: string): Promise<PartnerView> => {
  const partner = await deps.store.get(id);
  if (!partner) throw new NotFoundError(`Partner ${id}`);
  return toView(partner);
};

export const listPartners = async (
  deps: Pick<PartnerDeps, 'store'>,
  page: PageRequest,
): Promise<Page<PartnerView>> => {
  const result = await deps.store.list(page);
  return { items: result.items.map(toView), nextCursor: result.nextCursor };
};

export const rotatePartnerSecret = async (
  deps: PartnerDeps,
  id: string,
): Promise<{ signingSecret: string }> => {
  const partner = await deps.store.get(id);
  if (!partner) throw new NotFoundError(`Partner ${id}`);
  const now = deps.now();
  const signingSecret = deps.newSecret();
  const fresh = { sealed: await deps.sealer.seal(signingSecret, sealContext(id)) };
  const rotated: StoredPartner = {
    ...partner,
    secrets: rotateSecrets(await sealSecrets(deps.sealer, id, partner.secrets), fresh, now),
    secretRotatedAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await deps.store.put(rotated, partner.updatedAt);
  return { signingSecret };
};

/**
 * A migration step (docs/partners.md): seals the secrets that partners written before sealing hold in clear,
 * page by page; a partner already sealed is not written. Idempotent, so a run that stopped is run again.
 */
export const sealStoredSecrets = async (
  deps: Pick<PartnerDeps, 'store' | 'sealer'>,
): Promise<{ partners: number; partnersSealed: number }> => {
  let partners = 0;
  let partnersSealed = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.store.list({ limit: 100, ...(cursor ? { cursor } : {}) });
    for (const partner of page.items) {
      partners++;
      if (partner.secrets.every((s) => 'sealed' in s)) continue;
      const secrets = await sealSecrets(deps.sealer, partner.id, partner.secrets);
      // Same updatedAt: the partner did not change; a concurrent write that read it in clear seals it too.
      await deps.store.put({ ...partner, secrets }, partner.updatedAt);
      partnersSealed++;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { partners, partnersSealed };
};
