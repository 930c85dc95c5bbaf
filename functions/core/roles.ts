import { maskPhone } from './phone-mask.js';

/** Contract §2: roles and what each may do. A higher role includes the rights of the lower ones, but for `author`. */
export const ROLES = ['planner', 'officer', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/**
 * Who may call a route: readers (planner and up), editors (officer and up), approvers, admins; and the
 * authors of message templates, officers and admins: not approvers, who review the campaigns that copy a
 * template's text and so must not have written it.
 */
export const ACCESS = {
  read: ['planner', 'officer', 'approver', 'admin'],
  edit: ['officer', 'approver', 'admin'],
  author: ['officer', 'admin'],
  approve: ['approver', 'admin'],
  admin: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Access = keyof typeof ACCESS;

export interface Actor {
  userId: string;
  roles: Role[];
}

export const mayAccess = (actor: Actor, access: Access): boolean =>
  actor.roles.some((role) => (ACCESS[access] as readonly Role[]).includes(role));

/** Contract §2: how `actor` is shown a phone number: masked for planners, in full for officers and up. */
export const phoneFor =
  (actor: Actor) =>
  (phone: string): string =>
    mayAccess(actor, 'edit') ? phone : maskPhone(phone);
