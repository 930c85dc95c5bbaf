import * as z from 'zod';
import { PartnerId } from '#core/partner.js';

/**
 * The path parameters of a partner's routes and of its webhooks: apart from params.ts, whose campaign
 * parameters would bring the campaign schemas into the webhooks' Lambdas.
 */
export const partnerParams = z.strictObject({ partnerId: PartnerId });
