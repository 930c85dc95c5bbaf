import * as z from 'zod';
import { TREATMENT_IDS } from './content/assignment.js';

/**
 * A campaign's texts as its view shows them and a reviewed version keeps them (campaign.ts): apart, so a
 * reader of the texts alone (the short links, adapters/table/links.ts) needs none of the campaign schemas.
 */
export const CampaignTextsView = {
  message: z.string(),
  variants: z.record(z.string(), z.string()).optional(),
  treatments: z
    .array(
      z.object({
        id: z.enum(TREATMENT_IDS),
        percent: z.int(),
        message: z.string().optional(),
        variants: z.record(z.string(), z.string()).optional(),
      }),
    )
    .optional(),
};
