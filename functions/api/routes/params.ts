import * as z from 'zod';
import { CampaignId } from '#core/campaign.js';
import { PartnerId } from '#core/partner.js';
import { notFound } from './shapes.js';

/** The path parameters of every route under `/v1/campaigns/{campaignId}` (and its metrics and report). */
export const campaignParams = z.strictObject({ campaignId: CampaignId });

/** The path parameters of a partner's routes and of its webhooks. */
export const partnerParams = z.strictObject({ partnerId: PartnerId });

/** What those routes answer when the campaign does not exist. */
export const campaignNotFound = notFound('No such campaign');
