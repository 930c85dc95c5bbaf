import type { WebhookUrlPolicy } from '../core/partner-webhook-url.js';

/**
 * Settings the handlers read from the environment. ALLOW_LOOPBACK_WEBHOOKS=1 is set by the local runtime
 * and the tests only: their partners are simulators on 127.0.0.1. In AWS it is never set, so webhooks must
 * be https to a public address.
 */
export const webhookUrlPolicy = (): WebhookUrlPolicy => ({
  allowLoopback: process.env.ALLOW_LOOPBACK_WEBHOOKS === '1',
});
