import { App, NestedStack, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { SmsCampaignStack } from '#lib/sms-campaign-stack.js';

// The rules read the resources, not the code: no bundling (seconds instead of minutes).
const unbundledApp = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });

/** Every finding of AWS Solutions that no acknowledgement (with its reason) covers: errors and warnings. */
const findingsOf = (stack: Stack) => {
  Template.fromStack(stack);
  return new AwsSolutionsChecks().validateScope(stack).violations.map((violation) => ({
    rule: violation.ruleName,
    severity: violation.severity,
    resources: violation.violatingResources.map((resource) => resource.constructPath),
  }));
};

describe('cdk-nag AwsSolutionsChecks', () => {
  it('finds nothing unacknowledged in the stack, errors or warnings', () => {
    const stack = new SmsCampaignStack(unbundledApp(), 'Nag', {
      partnerIds: ['viettel-hn'],
      alarmEmail: 'ops@example.gov.vn',
    });
    expect(findingsOf(stack)).toEqual([]);
  });

  it('finds nothing in a stage with its WAF either', () => {
    const app = unbundledApp();
    const stack = new SmsCampaignStack(app, 'NagWaf', {
      env: { account: '111111111111', region: 'ap-southeast-1' },
      webAclArn: 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/sms-campaigns-dev/abc',
    });
    expect(findingsOf(stack)).toEqual([]);
  });

  it('is live: a bucket without access logs is a finding, and an acknowledgement needs the rule id', () => {
    const stack = new Stack(unbundledApp(), 'Bare');
    new Bucket(stack, 'Plain', { enforceSSL: true });
    expect(findingsOf(stack).map((finding) => finding.rule)).toContain('AwsSolutions-S1');
    const acknowledged = new Stack(unbundledApp(), 'Acknowledged');
    const bucket = new Bucket(acknowledged, 'Plain', { enforceSSL: true });
    Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: 'test' });
    expect(findingsOf(acknowledged).map((finding) => finding.rule)).not.toContain('AwsSolutions-S1');
  });

  it('reaches into nested stacks (the API routes are in one): a finding there is a finding of the stack', () => {
    const stack = new Stack(unbundledApp(), 'Parent');
    new Bucket(new NestedStack(stack, 'Nested'), 'Plain', { enforceSSL: true });
    expect(findingsOf(stack)).toContainEqual(
      expect.objectContaining({ rule: 'AwsSolutions-S1', resources: ['Parent/Nested/Plain/Resource'] }),
    );
  });
});
