import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { allRoutes } from '#api/routes.js';
import { partnerIdsFromContext } from '#lib/dispatch.js';
import { SmsCampaignStack } from '#lib/sms-campaign-stack.js';
import {
  RESOURCES_PER_PARTNER_QUEUE,
  resourceCountOf as countedResourcesOf,
  resourceLimitErrors,
  stacksOf,
} from '#lib/stack-limits.js';

/** CloudFormation refuses a template with more than 500 resources (TooManyResourcesInStack). */
const CLOUDFORMATION_LIMIT = 500;
/**
 * Partners with a queue of their own that fit in the root stack (126 resources without any, 17 each), in an
 * app without the CLI's AWS::CDK::Metadata resource (`cdk synth` adds it: one partner fewer).
 */
const MOST_PARTNER_QUEUES = 22;
/** What each stack must stay under, so a few more routes or partners do not break a deployment. */
const HEADROOM_LIMIT = 450;
/** A province's carriers: Viettel, VinaPhone, MobiFone, Vietnamobile, Gmobile, Itelecom, Reddi, and one more. */
const EIGHT_PARTNERS = [
  'viettel-bk',
  'vinaphone-bk',
  'mobifone-bk',
  'vietnamobile-bk',
  'gmobile-bk',
  'itelecom-bk',
  'reddi-bk',
  'sns-bk',
];

const resourceCountOf = (stack: Stack): number =>
  Object.keys((Template.fromStack(stack).toJSON() as { Resources: object }).Resources).length;

describe('the stack layout (issue #18: the stack scales with partners)', () => {
  // The partners come through the `partners` context, as `-c partners=…` brings them; no bundling.
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [], partners: EIGHT_PARTNERS.join(',') },
  });
  const stack = new SmsCampaignStack(app, 'EightPartners', {
    partnerIds: partnerIdsFromContext(app.node.tryGetContext('partners')),
  });
  const stacks = stacksOf(stack);

  it('synthesizes with eight partner queues', () => {
    expect(stack.dispatch.partnerQueues).toHaveLength(EIGHT_PARTNERS.length + 1);
    const assembly = app.synth();
    expect(assembly.getStackByName(stack.stackName).template).toHaveProperty('Resources');
  });

  it('puts the API routes and their functions in a nested stack of their own', () => {
    expect(stacks.map((s) => s.node.path)).toEqual(['EightPartners', 'EightPartners/Http/Routes']);
    expect(stack.api.routes.nestedStackParent).toBe(stack);
    Template.fromStack(stack.api.routes).resourceCountIs('AWS::ApiGatewayV2::Route', allRoutes.length);
    Template.fromStack(stack).resourceCountIs('AWS::ApiGatewayV2::Route', 0);
  });

  for (const each of stacks)
    it(`keeps ${each.node.path} under ${HEADROOM_LIMIT} resources (CloudFormation refuses ${CLOUDFORMATION_LIMIT})`, () => {
      const count = resourceCountOf(each);
      expect(count).toBeGreaterThan(0);
      expect(count).toBeLessThan(HEADROOM_LIMIT);
    });

  it('was over the limit as one stack: the stacks together hold more than 500 resources', () => {
    // The nested stack's own resource in the root does not count: it is not one of the deployment's.
    const total = stacks.reduce((sum, each) => sum + resourceCountOf(each), 0) - (stacks.length - 1);
    expect(total).toBeGreaterThan(CLOUDFORMATION_LIMIT);
  });

  it('counts the resources of each template, as the check that stops the synth does', () => {
    for (const each of stacks) expect(countedResourcesOf(each), each.node.path).toBe(resourceCountOf(each));
  });
});

describe('too many partner queues for one stack', () => {
  const unbundled = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const partnerIds = (count: number) => Array.from({ length: count }, (_, n) => `carrier${n}-hn`);
  const withPartners = (count: number) =>
    new SmsCampaignStack(unbundled(), `Partners${count}`, { partnerIds: partnerIds(count) });

  it(`each adds ${RESOURCES_PER_PARTNER_QUEUE} resources to the root stack`, () => {
    expect(countedResourcesOf(withPartners(1)) - countedResourcesOf(withPartners(0))).toBe(
      RESOURCES_PER_PARTNER_QUEUE,
    );
  });

  it(`fit up to ${MOST_PARTNER_QUEUES}`, () => {
    const most = withPartners(MOST_PARTNER_QUEUES);
    expect(countedResourcesOf(most)).toBeLessThanOrEqual(CLOUDFORMATION_LIMIT);
    expect(resourceLimitErrors(most, MOST_PARTNER_QUEUES)).toEqual([]);
  });

  it('stop the synth before CloudFormation would, naming the limit and how many partners fit', () => {
    const over = MOST_PARTNER_QUEUES + 2;
    const stack = withPartners(over);
    expect(() => Template.fromStack(stack)).toThrow(
      new RegExp(
        `Partners${over} would hold \\d+ resources, and CloudFormation refuses more than ${CLOUDFORMATION_LIMIT} in one stack \\(TooManyResourcesInStack\\)\\. ` +
          `Each partner with a queue of its own \\(context partners, ${over} listed\\) adds about ${RESOURCES_PER_PARTNER_QUEUE}: list at most ${MOST_PARTNER_QUEUES};`,
      ),
    );
  });
});
