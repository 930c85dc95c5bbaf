import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { DockerImage, Duration, Lazy } from 'aws-cdk-lib';
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
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * The console's Content-Security-Policy: every script and style from the console's own origin (esbuild
 * writes no inline script and index.html has none; Preact sets styles through the DOM, which CSP allows),
 * calls only to the given origins (the API, the Cognito domain), and never inside a frame.
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
 * The web console on AWS: its static files in a private S3 bucket, served only through CloudFront (origin
 * access control) with security headers. The console is built by esbuild during synthesis (an asset with
 * local bundling), so `cdk synth` needs neither Docker nor the network.
 */
export class ConsoleHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly headers: ResponseHeadersPolicy;
  private readonly connectTo: string[] = [];

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
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
  }

  /** The console's origin, `https://dxxxx.cloudfront.net`. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  /** Lets the console's scripts call this origin (CSP connect-src). */
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
  }
}
