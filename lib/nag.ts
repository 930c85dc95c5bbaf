import { Names, Stack, Token, type CfnElement } from 'aws-cdk-lib';
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

/**
 * How cdk-nag spells an attribute of `resource` inside a finding id of `scope`'s stack: `<Id.Arn>` in the
 * resource's own stack; from a nested stack below it, the parameter CDK passes the value in by
 * (`reference-to-` + the resource's unique id + the attribute; the nag test fails if CDK renames it).
 */
export const nagAttributeOf = (scope: IConstruct, resource: CfnElement, attribute: string): string => {
  const stack = Stack.of(scope);
  if (Stack.of(resource) === stack) return `<${stack.getLogicalId(resource)}.${attribute}>`;
  return `<referenceto${Names.nodeUniqueId(resource.node)}${attribute}>`;
};
