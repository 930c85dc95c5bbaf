import { Webhook } from 'standardwebhooks';
import { InvalidSignatureError } from '#core/errors.js';
import { activeSecrets, type Partner } from '#core/partner.js';

/** What a signature check sees of a request, before its body is parsed: exactly the bytes that came. */
export interface SignedRequest {
  pathParameters: Readonly<Record<string, string | undefined>>;
  /** Lower-cased names. */
  headers: Readonly<Record<string, string>>;
  rawBody: string;
}

/**
 * Contract §8: a partner's webhook is signed as Standard Webhooks say, with its current secret or one
 * retired by a rotation less than 24 h ago; timestamps more than 5 minutes off are refused (the library's
 * tolerance). Throws `invalid_signature` for an unknown partner too, so the answer tells nothing apart.
 */
export const verifyPartnerSignature = (
  partner: Pick<Partner, 'secrets'> | undefined,
  rawBody: string,
  headers: Record<string, string>,
  now: Date,
): void => {
  const secrets = partner ? activeSecrets(partner, now) : [];
  for (const secret of secrets) {
    try {
      new Webhook(secret).verify(rawBody, headers, { jsonParse: false });
      return;
    } catch {
      // Not this secret (or a stale timestamp, which no other secret fixes either): try the next.
    }
  }
  throw new InvalidSignatureError();
};
