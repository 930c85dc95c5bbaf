import { CfnResource, Stack } from 'aws-cdk-lib';

/** CloudFormation refuses a stack with more resources (`TooManyResourcesInStack`); a nested stack counts apart. */
export const CLOUDFORMATION_RESOURCE_LIMIT = 500;

/**
 * What one partner with a queue of its own (`partners` context) adds to the root stack: its lane (queues,
 * subscription, consumer with role, policy and log group, event source, alarms), the consumer's
 * failed-or-throttled alarm and the partner's delivery-rate alarm. test/cdk/stack-size.test.ts measures it.
 */
export const RESOURCES_PER_PARTNER_QUEUE = 17;

/** The resources `stack` itself will hold (a nested stack's own are not, its stack resource is). */
export const resourceCountOf = (stack: Stack): number =>
  stack.node
    .findAll()
    .filter((construct) => CfnResource.isCfnResource(construct) && Stack.of(construct) === stack).length;

/** `root` and every stack nested in it, at any depth. */
export const stacksOf = (root: Stack): Stack[] => [
  root,
  ...root.node
    .findAll()
    .filter((construct): construct is Stack => Stack.isStack(construct) && construct !== root),
];

/** The errors of `root`'s stacks over the limit: the root's says how many partner queues fit. */
export const resourceLimitErrors = (root: Stack, partnerQueues: number): string[] =>
  stacksOf(root).flatMap((stack) => {
    const count = resourceCountOf(stack);
    if (count <= CLOUDFORMATION_RESOURCE_LIMIT) return [];
    const over = `${stack.node.path} would hold ${count} resources, and CloudFormation refuses more than ${CLOUDFORMATION_RESOURCE_LIMIT} in one stack (TooManyResourcesInStack)`;
    if (stack !== root || partnerQueues === 0) return [`${over}.`];
    const fitting =
      partnerQueues - Math.ceil((count - CLOUDFORMATION_RESOURCE_LIMIT) / RESOURCES_PER_PARTNER_QUEUE);
    return [
      `${over}. Each partner with a queue of its own (context partners, ${partnerQueues} listed) adds about ${RESOURCES_PER_PARTNER_QUEUE}: list at most ${Math.max(fitting, 0)}; the others share the default queue.`,
    ];
  });

/** Stops `cdk synth` before a deployment CloudFormation would refuse, with the limit and what to cut. */
export const limitResources = (root: Stack, partnerQueues: number): void => {
  root.node.addValidation({ validate: () => resourceLimitErrors(root, partnerQueues) });
};
