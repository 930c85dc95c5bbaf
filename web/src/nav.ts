import type { Role } from './i18n/roles.js';
import type { Catalogue } from './i18n/vi.js';

export interface NavItem {
  href: string;
  label: (t: Catalogue) => string;
}

const campaigns: NavItem = { href: '/campaigns', label: (t) => t.nav.campaigns };
const newCampaign: NavItem = { href: '/campaigns/new', label: (t) => t.nav.newCampaign };
const audiences: NavItem = { href: '/audiences', label: (t) => t.nav.audiences };
const optOuts: NavItem = { href: '/opt-outs', label: (t) => t.nav.optOuts };
const approvals: NavItem = { href: '/approvals', label: (t) => t.nav.approvals };
const partners: NavItem = { href: '/partners', label: (t) => t.admin.nav.partners };
const settings: NavItem = { href: '/settings', label: (t) => t.admin.nav.settings };
const audit: NavItem = { href: '/audit', label: (t) => t.admin.nav.audit };
const metrics: NavItem = { href: '/metrics', label: (t) => t.nav.metrics };
const calendar: NavItem = { href: '/calendar', label: (t) => t.calendar.nav };
const templates: NavItem = { href: '/templates', label: (t) => t.templates.nav };

/** The pages each role is offered (the API enforces the same rules; this only hides what would fail). */
export const navFor = (role: Role): NavItem[] => {
  switch (role) {
    case 'planner':
      return [campaigns, metrics, calendar, templates];
    case 'officer':
      return [campaigns, newCampaign, templates, audiences, optOuts, metrics, calendar];
    case 'approver':
      return [campaigns, approvals, newCampaign, templates, audiences, optOuts, metrics, calendar];
    case 'admin':
      return [
        campaigns,
        approvals,
        newCampaign,
        templates,
        audiences,
        optOuts,
        metrics,
        calendar,
        partners,
        settings,
        audit,
      ];
  }
};

/** Whether a role may change things (contract §2: officer and up); planners only read. */
export const mayEdit = (role: Role): boolean => role !== 'planner';
