import { Stack, type StackProps } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

/** Requests one IP may make in five minutes before WAF blocks it for a while (AWS's window). */
export const WAF_RATE_LIMIT_PER_5_MINUTES = 2000;
/** CloudFront's web ACLs live in us-east-1, whatever the region of the rest. */
export const EDGE_REGION = 'us-east-1';

/**
 * The optional WAF (context `waf=true`): a web ACL on the console's CloudFront distribution, which also
 * carries the API (`/v1/*`) and the short links (`/l/*`). HTTP APIs (API Gateway v2) cannot take a web ACL
 * (WAF protects REST APIs, not HTTP APIs), so the distribution, the only way into the API for browsers,
 * is where it goes. A CLOUDFRONT-scoped ACL must be made in us-east-1: a stack of its own, whose ARN the
 * main stack reads through CDK's cross-region references.
 *
 * Rules: a rate-based rule per IP (2,000 requests in 5 minutes: a staff member's console makes far fewer,
 * a blast's recipients each click once), and AWS's known-bad-inputs group. Not AWS's common rule set:
 * its `SizeRestrictions_BODY` blocks bodies over 8 KB, which are the subscriber imports.
 */
export class EdgeProtectionStack extends Stack {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: StackProps & { readonly stage: string }) {
    super(scope, id, { ...props, env: { account: props.env?.account, region: EDGE_REGION } });
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      metricName: `sms-${props.stage}-${metricName}`,
      sampledRequestsEnabled: false,
    });
    const managed = (name: string, priority: number): CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: visibility(name),
    });
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: `sms-campaigns-${props.stage}`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('all'),
      rules: [
        {
          name: 'RatePerIp',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: WAF_RATE_LIMIT_PER_5_MINUTES, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('rate-per-ip'),
        },
        managed('AWSManagedRulesKnownBadInputsRuleSet', 1),
      ],
    });
  }
}
