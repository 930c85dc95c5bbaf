import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { allRoutes } from '#api/routes.js';
import { partnerIdsFromContext } from '#lib/dispatch.js';
import { SmsCampaignStack } from '#lib/sms-campaign-stack.js';

/** CloudFormation refuses a template with more than 500 resources (TooManyResourcesInStack). */
const CLOUDFORMATION_LIMIT = 500;
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
  const stacks = [
    stack,
    ...stack.node.findAll().filter((c): c is Stack => c instanceof Stack && c !== stack),
  ];

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
});
