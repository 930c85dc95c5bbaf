import { NotFoundError } from './errors.js';
import { maskPhone } from './phone-mask.js';
import type { OptOut, OptOutInput, SuppressionList } from './opt-out.js';
import type { Actor } from './roles.js';
import type { Clock } from './clock.js';

/** The storage opt-out use cases need; DynamoDB implements it in adapters/opt-out-store.ts. */
export interface OptOutStore extends SuppressionList {
  /** Records the opt-out unless the phone is opted out already; then answers the existing record. */
  add(optOut: OptOut): Promise<{ created: boolean; optOut: OptOut }>;
  get(phone: string): Promise<OptOut | undefined>;
  /** False when the phone was not opted out. */
  remove(phone: string): Promise<boolean>;
}

export interface OptOutDeps extends Clock {
  store: OptOutStore;
}

/** Opting out twice keeps the first record (its time and reason), so the answer says which happened. */
export const addOptOut = (
  deps: OptOutDeps,
  input: OptOutInput,
  actor: Actor,
): Promise<{ created: boolean; optOut: OptOut }> =>
  deps.store.add({
    phone: input.phone,
    ...(input.reason ? { reason: input.reason } : {}),
    source: 'api',
    createdAt: deps.now().toISOString(),
    createdBy: actor.userId,
  });

export const getOptOut = async (deps: Pick<OptOutDeps, 'store'>, phone: string): Promise<OptOut> => {
  const optOut = await deps.store.get(phone);
  if (!optOut) throw new NotFoundError(`An opt-out for ${maskPhone(phone)}`);
  return optOut;
};

/** Re-consent (admin): the phone may receive campaign messages again. */
export const removeOptOut = async (deps: Pick<OptOutDeps, 'store'>, phone: string): Promise<void> => {
  if (!(await deps.store.remove(phone))) throw new NotFoundError(`An opt-out for ${maskPhone(phone)}`);
};
