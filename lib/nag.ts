import { Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * How cdk-nag spells the stack's region and account inside a finding id (`IAM5[Resource::…]`): the
 * pseudo parameter in an environment-agnostic stack, the literal in one with an environment.
 */
export const nagEnvironment = (scope: IConstruct): { region: string; account: string } => {
  const stack = Stack.of(scope);
  return {
    region: Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region,
    account: Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account,
  };
};
