import type { Role } from '../../../functions/core/roles.js';

/**
 * The four roles in the order the sign-in page offers them. The type comes from the core; the list is
 * restated here (checked against it) so the console does not bundle the core's phone library with it.
 */
export const ROLES = ['officer', 'approver', 'planner', 'admin'] as const satisfies readonly Role[];
type Missing = Exclude<Role, (typeof ROLES)[number]>;
export const everyRoleListed: [Missing] extends [never] ? true : never = true;

export type { Role };

export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value);
