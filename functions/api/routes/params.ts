import { z } from 'zod';
import { CampaignId } from '../../core/campaign.js';

/** The path parameters of every route under `/v1/campaigns/{campaignId}` (and its metrics and report). */
export const campaignParams = z.strictObject({ campaignId: CampaignId });
