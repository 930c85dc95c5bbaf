import * as z from 'zod';
import { CampaignId } from '#core/campaign.js';
import { notFound } from './shapes.js';

/** The path parameters of every route under `/v1/campaigns/{campaignId}` (and its metrics and report). */
export const campaignParams = z.strictObject({ campaignId: CampaignId });

export { partnerParams } from './partner-params.js';

/** What those routes answer when the campaign does not exist. */
export const campaignNotFound = notFound('No such campaign');
