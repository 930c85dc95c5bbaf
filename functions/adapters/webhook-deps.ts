import { openPartner, PartnerId } from '#core/partner.js';
import { verifyPartnerSignature, type SignedRequest } from '#core/webhooks/signature.js';
import type { WebhookDeps } from '#core/webhooks/service.js';
import { dynamoReportBatchStore } from './batch-store.js';
import { dynamoDocumentClient } from './clients.js';
import { readConfig, type Config } from './config.js';
import { dynamoInboundStore } from './inbound-store.js';
import { observeWebhook } from './metrics.js';
import { dynamoOptOutStore } from './opt-out-store.js';
import { dynamoPartnerStore } from './partner-store.js';
import { dynamoPortedNumbers } from './ported-store.js';
import { dynamoRecipientIndex } from './recipient-index.js';
import { partnerSecretSealer } from './secret-sealer.js';
import { dynamoWebhookReceipts } from './webhook-receipts.js';

/**
 * The webhooks area's composition root: the partner webhook use cases (contract §8 "Partners send"), their
 * signature check, and the replies they bring in, wired to DynamoDB.
 */
export const webhookDeps = (config: Config = readConfig()): WebhookDeps => {
  const client = dynamoDocumentClient();
  const table = config.TABLE_NAME;
  return {
    batches: dynamoReportBatchStore(client, table),
    ported: dynamoPortedNumbers(client, table),
    recipients: dynamoRecipientIndex(client, table),
    inbound: dynamoInboundStore(client, table),
    optOuts: dynamoOptOutStore(client, table),
    partners: {
      // Read per request, like the signature check: a partner's new carriers count at once.
      carriersOf: async (partnerId) => (await dynamoPartnerStore(client, table).get(partnerId))?.carriers,
    },
    receipts: dynamoWebhookReceipts(client, table),
    observe: observeWebhook(config.LOCAL_RUNTIME),
    now: () => new Date(),
  };
};

/**
 * The `verify` step of a partner webhook route: the Standard Webhooks signature against the partner's
 * active secrets, before the body is looked at. The item is read per request (no cache), so a rotation counts
 * at once; what its sealed secrets open to is remembered (secret-sealer.ts), so KMS is not asked each time.
 */
export const partnerSignatureCheck = (config: Config = readConfig()) => {
  const partners = dynamoPartnerStore(dynamoDocumentClient(), config.TABLE_NAME);
  const sealer = partnerSecretSealer(config);
  const observe = observeWebhook(config.LOCAL_RUNTIME);
  return async ({ pathParameters, headers, rawBody }: SignedRequest): Promise<void> => {
    const id = PartnerId.safeParse(pathParameters.partnerId);
    const stored = id.success ? await partners.get(id.data) : undefined;
    const partner = stored && (await openPartner(sealer, stored));
    try {
      verifyPartnerSignature(partner, rawBody, headers, new Date());
    } catch (error) {
      // Unknown partners share one dimension value: a caller cannot mint CloudWatch dimensions.
      observe('WebhookSignatureFailures', partner ? partner.id : 'unknown', 1);
      throw error;
    }
  };
};
