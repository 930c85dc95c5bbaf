import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EdgeProtectionStack } from '#lib/edge-protection.js';
import { SmsCampaignStack } from '#lib/sms-campaign-stack.js';
import { stackNameOf, stageConfigFromContext } from '#lib/stage-config.js';

const app = new App();
const context = (key: string): unknown => app.node.tryGetContext(key);

const publicBaseUrl = context('publicBaseUrl');
if (publicBaseUrl !== undefined && typeof publicBaseUrl !== 'string') {
  throw new Error('Context publicBaseUrl must be a string, e.g. -c publicBaseUrl=https://sms.example.gov.vn');
}

const cognitoDomainPrefix = context('cognitoDomainPrefix');
if (cognitoDomainPrefix !== undefined && typeof cognitoDomainPrefix !== 'string') {
  throw new Error('Context cognitoDomainPrefix must be a string, e.g. -c cognitoDomainPrefix=sms-backan');
}

// stage, partners, alarmEmail, waf, retentionDays, logRetentionDays, deletionProtection (cdk.json or -c).
const config = stageConfigFromContext(context);
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;

// CloudFront's web ACL must be made in us-east-1, and a cross-region reference needs the region known.
let webAclArn: string | undefined;
if (config.waf) {
  if (!region) throw new Error('Context waf=true needs a region: set CDK_DEFAULT_REGION or use a profile');
  const edge = new EdgeProtectionStack(app, `${stackNameOf(config.stage)}-edge`, {
    stage: config.stage,
    env: { account },
  });
  webAclArn = edge.webAcl.attrArn;
}

new SmsCampaignStack(app, stackNameOf(config.stage), {
  description: `Campaigns and SMS broadcasts for anti-trafficking awareness (stage ${config.stage})`,
  // Unset (offline synth, CI) leaves the stack environment-agnostic.
  env: { account, region },
  ...(config.waf ? { crossRegionReferences: true } : {}),
  publicBaseUrl,
  cognitoDomainPrefix,
  stage: config.stage,
  // -c partners=viettel-hn,vnpt-hn: these partners get a dispatch queue of their own.
  partnerIds: config.partnerIds,
  ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
  ...(webAclArn ? { webAclArn } : {}),
  retentionDays: config.retentionDays,
  logRetentionDays: config.logRetentionDays,
  deletionProtection: config.deletionProtection,
});

// AWS Solutions rules on every synth: a finding without an acknowledgement (and its reason) fails it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
