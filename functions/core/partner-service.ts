import { detail, NotFoundError, ValidationError } from './errors.js';
import type { Page, PageRequest } from './page.js';
import { webhookUrlProblem, type WebhookUrlPolicy } from './partner-webhook-url.js';
import { rotateSecrets, toView, type Partner, type PartnerInput, type PartnerView } from './partner.js';

/** The storage a partner use case needs; DynamoDB implements it in adapters/partner-store.ts. */
export interface PartnerStore {
  get(id: string): Promise<Partner | undefined>;
  /** Writes the partner; `expectedUpdatedAt` guards against a lost update (undefined = must not exist yet). */
  put(partner: Partner, expectedUpdatedAt: string | undefined): Promise<void>;
  list(page: PageRequest): Promise<Page<Partner>>;
}

export interface PartnerDeps {
  store: PartnerStore;
  now: () => Date;
  newSecret: () => string;
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
    const updated: Partner = { ...existing, ...input, id, updatedAt: now };
    await deps.store.put(updated, existing.updatedAt);
    return { created: false, partner: toView(updated) };
  }
  const signingSecret = deps.newSecret();
  const partner: Partner = {
    ...input,
    id,
    createdAt: now,
    updatedAt: now,
    secretRotatedAt: now,
    secrets: [{ secret: signingSecret }],
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
  const rotated: Partner = {
    ...partner,
    secrets: rotateSecrets(partner.secrets, signingSecret, now),
    secretRotatedAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await deps.store.put(rotated, partner.updatedAt);
  return { signingSecret };
};
