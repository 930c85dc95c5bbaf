import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/** How often every customer-managed key of the stack gets new key material. */
export const KEY_ROTATION_PERIOD = Duration.days(365);

/**
 * A customer-managed key of the stack, its material rotated every year. `removalPolicy` is the one choice
 * left: whether the key outlives the stack (RETAIN, for data that outlives it) or goes with it.
 */
export const rotatingKey = (
  scope: Construct,
  id: string,
  props: { readonly description: string; readonly removalPolicy: RemovalPolicy },
): Key => new Key(scope, id, { ...props, enableKeyRotation: true, rotationPeriod: KEY_ROTATION_PERIOD });
