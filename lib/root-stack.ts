import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The deployment's top stack, above any nested stack: what must be one per deployment (the opt-out hash
 * key, the partner secrets key) lives there, whichever stack the function that uses it is in.
 */
export const rootStackOf = (scope: IConstruct): Stack => {
  let stack = Stack.of(scope);
  while (stack.nestedStackParent) stack = stack.nestedStackParent;
  return stack;
};
