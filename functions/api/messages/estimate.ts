import { estimateDeps } from '#adapters/campaign-deps.js';
import { estimateMessage } from '#core/sms-encoding.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const { shortLinkLength } = estimateDeps();

export const handler = api(routes.estimateMessage, async ({ body }) => ({
  status: 200,
  body: estimateMessage(body.text, { shortLinkLength }),
}));
