import { App } from 'aws-cdk-lib';
import { partnerIdsFromContext } from '#lib/dispatch.js';
import { SmsCampaignStack } from '#lib/sms-campaign-stack.js';

const app = new App();

const publicBaseUrl: unknown = app.node.tryGetContext('publicBaseUrl');
if (publicBaseUrl !== undefined && typeof publicBaseUrl !== 'string') {
  throw new Error('Context publicBaseUrl must be a string, e.g. -c publicBaseUrl=https://sms.example.gov.vn');
}

const cognitoDomainPrefix: unknown = app.node.tryGetContext('cognitoDomainPrefix');
if (cognitoDomainPrefix !== undefined && typeof cognitoDomainPrefix !== 'string') {
  throw new Error('Context cognitoDomainPrefix must be a string, e.g. -c cognitoDomainPrefix=sms-backan');
}

new SmsCampaignStack(app, 'SmsCampaignStack', {
  description: 'Campaigns and SMS broadcasts for anti-trafficking awareness',
  // Unset (offline synth, CI) leaves the stack environment-agnostic.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  publicBaseUrl,
  cognitoDomainPrefix,
  // -c partners=viettel-hn,vnpt-hn: these partners get a dispatch queue of their own.
  partnerIds: partnerIdsFromContext(app.node.tryGetContext('partners')),
});
