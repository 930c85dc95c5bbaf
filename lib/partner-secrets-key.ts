import { RemovalPolicy } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { rootStackOf } from './root-stack.js';
import { rotatingKey } from './keys.js';

const ID = 'PartnerSecretsKey';

/**
 * The KMS key that seals partners' signing secrets in the table (`PARTNER_SECRETS_KEY_ARN`,
 * docs/partners.md): one per deployment (in the root stack, whichever stack uses it), of its own rather
 * than the table's, so that reading the table is not enough to read a secret: only the functions that
 * create or rotate partners (Encrypt), sign hand-overs or verify webhooks (Decrypt) may use it.
 */
export const partnerSecretsKeyOf = (scope: Construct): Key => {
  const stack = rootStackOf(scope);
  const existing = stack.node.tryFindChild(ID);
  if (existing instanceof Key) return existing;
  return rotatingKey(stack, ID, {
    description: 'SMS campaigns: seals the partners’ webhook signing secrets (PARTNER_SECRETS_KEY_ARN)',
    // Deleting it would leave every stored secret unreadable: no hand-over could be signed.
    removalPolicy: RemovalPolicy.RETAIN,
  });
};
