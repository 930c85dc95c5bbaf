import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { CfnElement, DockerImage, Duration, Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { nagEnvironment } from './nag.js';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * The console's Content-Security-Policy: every script and style from the console's own origin (esbuild
 * writes no inline script and index.html has none; Preact sets styles through the DOM, which CSP allows),
 * calls only to its own origin (the API is behind the same distribution) and the given ones (the Cognito
 * domain), and never inside a frame.
 */
export const consoleContentSecurityPolicy = (connectTo: readonly string[]): string =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${["'self'", ...connectTo].join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');

/**
 * A path without a file extension is a client route (`/campaigns/123`, `/auth/callback`): CloudFront asks
 * S3 for index.html instead. A function rather than 403/404 error responses, so a missing asset stays a
 * 404 (not an index.html with status 200 that the browser would try to run as a script) and the edge
 * caches index.html once, not once per client route.
 */
export const CLIENT_ROUTE_REWRITE = `function handler(event) {
  var request = event.request;
  if (request.uri.lastIndexOf('.') <= request.uri.lastIndexOf('/')) request.uri = '/index.html';
  return request;
}`;

/** Hashed file names change with their content: cached for a year. */
export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** index.html names the current hashes and config.json the current settings: always revalidated. */
export const ENTRY_CACHE_CONTROL = 'no-cache';

/**
 * Paths CloudFront sends to the API rather than the bucket: the console's calls (and partners' webhooks,
 * which also keep the execute-api URL), and short links, so that they work on the console's domain.
 * Everything else is the console's files and client routes.
 */
export const API_PATHS = { api: '/v1/*', shortLinks: '/l/*' } as const;

/**
 * The web console on AWS: its static files in a private S3 bucket, served only through CloudFront (origin
 * access control) with security headers, and the API behind the same distribution (`serveApi`), so the
 * console calls it on its own origin and the API needs no CORS. The console is built by esbuild during synthesis (an asset with
 * local bundling), so `cdk synth` needs neither Docker nor the network.
 */
export interface ConsoleHostingProps {
  /** Days the access logs (CloudFront's and the bucket's) are kept (context `logRetentionDays`). */
  readonly logRetentionDays: number;
  /** A WAF web ACL (scope CLOUDFRONT, made in us-east-1: `EdgeProtection`) on the distribution. */
  readonly webAclArn?: string;
}

export class ConsoleHosting extends Construct {
  readonly bucket: Bucket;
  /** CloudFront's standard logs and the console bucket's access logs. */
  readonly logBucket: Bucket;
  readonly distribution: Distribution;
  readonly headers: ResponseHeadersPolicy;
  private readonly connectTo: string[] = [];

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);

    // CloudFront's standard logs are written with ACLs, so this bucket (alone) keeps them enabled.
    // The logs hold viewers' IP addresses and paths (`/l/{code}`): kept only the log retention period.
    this.logBucket = new Bucket(this, 'LogBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(props.logRetentionDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself: logging its own access would log forever.',
    });

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'console-bucket/',
    });

    this.headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Web console: CSP without inline scripts, HSTS, nosniff, no framing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: Lazy.string({ produce: () => consoleContentSecurityPolicy(this.connectTo) }),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          {
            header: 'Permissions-Policy',
            value: 'camera=(), microphone=(), geolocation=(), payment=()',
            override: true,
          },
        ],
      },
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'SMS campaigns web console',
      defaultRootObject: 'index.html',
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
      httpVersion: HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        compress: true,
        responseHeadersPolicy: this.headers,
        functionAssociations: [
          {
            eventType: FunctionEventType.VIEWER_REQUEST,
            function: new CloudFrontFunction(this, 'ClientRoutes', {
              comment: 'Client routes of the console are index.html',
              runtime: FunctionRuntime.JS_2_0,
              code: FunctionCode.fromInline(CLIENT_ROUTE_REWRITE),
            }),
          },
        ],
      },
    });
    const distribution = Validations.of(this.distribution);
    distribution.acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'The distribution uses its default *.cloudfront.net certificate, for which CloudFront fixes the minimum protocol; viewers negotiate TLS 1.2 or 1.3 in practice. A province with its own domain adds an ACM certificate and TLSv1.2_2021.',
    });
    distribution.acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: recipients of anti-trafficking campaigns may be abroad (migrant workers, victims) when they open a short link.',
    });
    if (!props.webAclArn) {
      distribution.acknowledge({
        id: 'AwsSolutions-CFR2',
        reason:
          'WAF is optional (context waf=true adds a web ACL with a rate-based rule); off by default for its monthly price. API Gateway throttles the API either way.',
      });
    }
  }

  /** The console's origin, `https://dxxxx.cloudfront.net`. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  /**
   * Sends the API's paths to the HTTP API (`{apiId}.execute-api.{region}.amazonaws.com`): every method,
   * never cached, every viewer header but Host (Authorization, content-type, Idempotency-Key,
   * Accept-Language, the Standard Webhooks `webhook-*`) with query strings, and the body untouched. The
   * security headers apply as well: harmless on JSON, a CSV download or a redirect. No client-route
   * rewrite: `/v1/...` has no extension but is not index.html.
   */
  serveApi(apiDomainName: string): void {
    const origin = new HttpOrigin(apiDomainName, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    });
    const toApi = {
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.headers,
    };
    // A bearer token over plain HTTP would already be exposed: refused, not redirected.
    this.distribution.addBehavior(API_PATHS.api, origin, {
      ...toApi,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
    });
    // A recipient may type the link from the SMS without https.
    this.distribution.addBehavior(API_PATHS.shortLinks, origin, {
      ...toApi,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
    });
  }

  /** Lets the console's scripts call this origin besides its own (CSP connect-src). */
  allowConnectionsTo(origin: string): void {
    this.connectTo.push(origin);
  }

  /**
   * Uploads the console built by esbuild, then index.html and the deploy-time config.json (tokens such as
   * the API's URL are resolved by the deployment), and clears them from CloudFront's cache. Old hashed
   * assets are kept (no pruning) so a tab opened before a deployment can still load its lazy chunks.
   */
  deploy(config: Record<string, unknown>): void {
    const built = Source.asset(join(ROOT, 'web'), {
      exclude: ['dist', 'test'],
      bundling: {
        // Never used: local bundling always succeeds or throws.
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
        local: {
          tryBundle(outputDir: string) {
            execFileSync(
              process.execPath,
              [
                join(ROOT, 'node_modules/tsx/dist/cli.mjs'),
                join(ROOT, 'web/build.ts'),
                '--out-dir',
                outputDir,
              ],
              { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
            );
            return true;
          },
        },
      },
    });
    const assets = new BucketDeployment(this, 'Assets', {
      destinationBucket: this.bucket,
      sources: [built],
      exclude: ['index.html', 'config.json'],
      cacheControl: [CacheControl.fromString(ASSET_CACHE_CONTROL)],
      prune: false,
    });
    const entry = new BucketDeployment(this, 'Entry', {
      destinationBucket: this.bucket,
      sources: [built, Source.jsonData('config.json', config)],
      exclude: ['*'],
      include: ['index.html', 'config.json'],
      cacheControl: [CacheControl.fromString(ENTRY_CACHE_CONTROL)],
      prune: false,
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
    });
    entry.node.addDependency(assets);
    this.acknowledgeBucketDeploymentProvider();
  }

  /**
   * CDK's own singleton that copies the console into its bucket (`Custom::CDKBucketDeployment…`, one per
   * stack): its role, runtime and policy are CDK's, not ours, so its findings are acknowledged on it alone.
   */
  private acknowledgeBucketDeploymentProvider(): void {
    const stack = Stack.of(this);
    const provider = stack.node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    const bucket = this.bucket.node.defaultChild;
    if (!provider || !(bucket instanceof CfnElement)) throw new Error('BucketDeployment has no provider');
    const validations = Validations.of(provider);
    const { region, account } = nagEnvironment(this);
    validations.acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "CDK's BucketDeployment provider: the managed logging policy is CDK's choice for its own function.",
    });
    const findings = [
      'Action::s3:Abort*',
      'Action::s3:DeleteObject*',
      'Action::s3:GetBucket*',
      'Action::s3:GetObject*',
      'Action::s3:List*',
      'Resource::*',
      `Resource::<${stack.getLogicalId(bucket)}.Arn>/*`,
      `Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${account}-${region}/*`,
    ];
    for (const finding of findings) {
      validations.acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason:
          "CDK's BucketDeployment provider: it reads the asset from CDK's staging bucket, writes the console bucket and invalidates CloudFront (CreateInvalidation has no resource-level permission).",
      });
    }
    validations.acknowledge({
      id: 'AwsSolutions-L1',
      reason: "CDK's BucketDeployment provider: its runtime is pinned by aws-cdk-lib and moves with it.",
    });
  }
}
