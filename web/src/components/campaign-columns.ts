import type { Campaign } from '../api/client.js';
import type { I18n } from '../i18n/index.js';
import type { Column } from './data-table.js';

/** A campaign's estimated cost in its own currency, the same column in every list of campaigns. */
export const costColumn = (label: string, money: I18n['money']): Column<Campaign> => ({
  label,
  num: true,
  cell: (campaign) => money(campaign.estimate.cost, campaign.estimate.currency),
});
