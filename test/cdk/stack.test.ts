import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { App } from 'aws-cdk-lib';
import { CachePolicy, OriginRequestPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { TABLE_SCHEMA } from '#adapters/table.js';
import { allRoutes, routes } from '#api/routes.js';
import { ROLES } from '#core/roles.js';
import type { RouteDef } from '#http/route.js';
import { LOCAL_TOKEN_PATH } from '#local/console.js';
import { SHORT_LINK_THROTTLE, SIGNATURE_ROUTE_THROTTLE, STAGE_THROTTLE } from '#lib/http-api.js';
import { SmsCampaignStack } from '#lib/sms-campaign-stack.js';
import { FUNCTION_TABLE_GRANTS, type FunctionWithTable } from '#lib/table-actions.js';
import {
  actionsOf,
  indexesOf,
  functionOf as functionOfRoute,
  logicalIdOf,
  resourcesOf,
  statementsOfFunction,
  type IamPolicy,
  type LambdaFunction,
  deploymentTemplateOf,
} from './template.js';

// Synthesis bundles every handler with esbuild, so the whole file shares one template.
const app = new App();
const stack = new SmsCampaignStack(app, 'Test');
const template = deploymentTemplateOf(stack);

const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

const routesWithTableAccess = (access: RouteDef['table']) =>
  allRoutes.filter((route) => route.table === access);
const roleRoutes = allRoutes.filter((route) => route.auth !== 'public' && route.auth !== 'signature');
const unauthenticatedRoutes = allRoutes.filter((route) => !roleRoutes.includes(route));

const only = <T>(resources: Record<string, T>): [string, T] => {
  const entries = Object.entries(resources);
  expect(entries).toHaveLength(1);
  const [entry] = entries;
  if (!entry) throw new Error('no resource');
  return entry;
};

const functionOf = (route: RouteDef): LambdaFunction => functionOfRoute(template, route);

/** CDK's own singleton handler: BucketDeployment (Python). */
const CDK_HANDLERS = ['CustomCDKBucketDeployment'];
const ownFunctions = () =>
  Object.entries(resourcesOf(template, 'AWS::Lambda::Function'))
    .filter(([logicalId]) => !CDK_HANDLERS.some((prefix) => logicalId.startsWith(prefix)))
    .map(([, lambda]) => lambda);

const dynamoActionsOf = (route: RouteDef): string[] =>
  statementsOfFunction(template, functionOf(route))
    .flatMap(actionsOf)
    .filter((action) => action.startsWith('dynamodb:'));

describe('the data table', () => {
  it('survives mistakes: point-in-time recovery on, retained when the stack goes', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        Replicas: [
          Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
        ],
      }),
    });
  });

  it('is keyed, billed, expired and streamed as the application expects', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
    });
  });

  it('has every index of TABLE_SCHEMA, projecting all attributes', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      GlobalSecondaryIndexes: TABLE_SCHEMA.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    });
  });
});

describe('sign-in', () => {
  it('has one Cognito group per role', () => {
    const groups = Object.values(
      resourcesOf<{ Properties: { GroupName: string } }>(template, 'AWS::Cognito::UserPoolGroup'),
    );
    expect(groups.map((group) => group.Properties.GroupName).sort()).toEqual([...ROLES].sort());
  });

  it('lets only admins create accounts, signed in by email with a strong password', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameAttributes: ['email'],
      MfaConfiguration: 'OPTIONAL',
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true }) },
    });
  });

  it('gives the console a public client with no API sign-in flow: managed login signs in, refresh only', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
    });
  });
});

describe('the HTTP API', () => {
  it('has exactly one route and one function per RouteDef, besides start-campaign and dispatch', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', allRoutes.length);
    for (const route of allRoutes) functionOf(route);
    // Without the `partners` context, dispatch is the default queue's consumer, the materialiser, the sweep.
    expect(stack.dispatch.functions).toHaveLength(3);
    // + start-campaign, the metrics aggregator and the recount, the import job, and CDK's own handler of the
    // console's deployment.
    expect(ownFunctions()).toHaveLength(allRoutes.length + 4 + stack.dispatch.functions.length);
    template.resourceCountIs('AWS::Lambda::Function', ownFunctions().length + CDK_HANDLERS.length);
  });

  it('never deploys the local runtime’s sign-in: no route or path names `local` or `token`', () => {
    const routeKeys = Object.values(
      resourcesOf<{ Properties: { RouteKey: string } }>(template, 'AWS::ApiGatewayV2::Route'),
    ).map((route) => route.Properties.RouteKey);
    expect(routeKeys.length).toBeGreaterThan(0);
    expect(routeKeys.filter((key) => /local|token/i.test(key))).toEqual([]);
    expect(allRoutes.filter((route) => /local|token/i.test(route.path))).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toContain(LOCAL_TOKEN_PATH);
  });

  for (const route of roleRoutes) {
    it(`puts the Cognito JWT authorizer in front of ${route.method} ${route.path}`, () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${route.method} ${route.path}`,
        AuthorizationType: 'JWT',
        AuthorizerId: Match.anyValue(),
      });
    });
  }

  for (const route of unauthenticatedRoutes) {
    it(`leaves ${route.method} ${route.path} (${route.auth}) without an authorizer`, () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${route.method} ${route.path}`,
        AuthorizationType: 'NONE',
      });
    });
  }

  it('accepts only tokens issued by our user pool for the console client', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: Match.stringLikeRegexp('ConsoleClient') }],
        Issuer: {
          'Fn::Join': [
            '',
            Match.arrayWith(['https://cognito-idp.', { Ref: Match.stringLikeRegexp('UserPool') }]),
          ],
        },
      },
    });
  });

  it('gives partners’ webhooks and short links limits of their own, and no other route', () => {
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    const limits = (throttle: { burstLimit: number; rateLimit: number }) => ({
      ThrottlingBurstLimit: throttle.burstLimit,
      ThrottlingRateLimit: throttle.rateLimit,
    });
    expect(stage?.Properties.RouteSettings).toEqual({
      'POST /v1/webhooks/{partnerId}/delivery-reports': limits(SIGNATURE_ROUTE_THROTTLE),
      'POST /v1/webhooks/{partnerId}/inbound': limits(SIGNATURE_ROUTE_THROTTLE),
      'GET /l/{code}': limits(SHORT_LINK_THROTTLE),
    });
    // Recipients' clicks and partners' reports must not be held to the officers' stage limit.
    expect(SHORT_LINK_THROTTLE.rateLimit).toBeGreaterThan(STAGE_THROTTLE.rateLimit);
    expect(SIGNATURE_ROUTE_THROTTLE.rateLimit).toBeGreaterThan(STAGE_THROTTLE.rateLimit);
  });

  it('throttles the whole stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: {
        ThrottlingBurstLimit: STAGE_THROTTLE.burstLimit,
        ThrottlingRateLimit: STAGE_THROTTLE.rateLimit,
      },
    });
  });

  it('answers no browser on another origin: no CORS on the API, nothing that sets it later', () => {
    const [, api] = only(template.findResources('AWS::ApiGatewayV2::Api'));
    expect(api.Properties).not.toHaveProperty('CorsConfiguration');
    template.resourceCountIs('Custom::HttpApiCors', 0);
    template.resourceCountIs('Custom::AWS', 0);
  });
});

describe('the functions', () => {
  it('all run Node.js 24 on ARM', () => {
    for (const lambda of ownFunctions()) {
      expect(lambda).toMatchObject({ Properties: { Runtime: 'nodejs24.x', Architectures: ['arm64'] } });
    }
  });

  it('all log to their own log group, kept for one month', () => {
    const logGroups = resourcesOf<{ Properties: { RetentionInDays?: number } }>(
      template,
      'AWS::Logs::LogGroup',
    );
    for (const route of allRoutes) {
      const logGroup = logGroups[functionOf(route).Properties.LoggingConfig.LogGroup.Ref];
      expect(logGroup?.Properties.RetentionInDays).toBe(30);
    }
  });

  it('all know the public base URL (by default the console’s distribution, which serves /l/*) and load source maps', () => {
    for (const route of allRoutes) {
      expect(functionOf(route).Properties.Environment.Variables).toMatchObject({
        PUBLIC_BASE_URL: stack.resolve(stack.console.url),
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
  });
});

describe('table access is least privilege', () => {
  for (const route of routesWithTableAccess('read')) {
    it(`${route.id} reads the table but cannot change it`, () => {
      const actions = dynamoActionsOf(route);
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
      for (const write of WRITE_ACTIONS) expect(actions).not.toContain(write);
      expect(functionOf(route).Properties.Environment.Variables.TABLE_NAME).toBeDefined();
    });
  }

  for (const route of routesWithTableAccess('write')) {
    it(`${route.id} reads and writes the table`, () => {
      expect(dynamoActionsOf(route)).toEqual(expect.arrayContaining(['dynamodb:GetItem', ...WRITE_ACTIONS]));
      expect(functionOf(route).Properties.Environment.Variables.TABLE_NAME).toBeDefined();
    });
  }

  for (const route of routesWithTableAccess('none')) {
    it(`${route.id} has no DynamoDB access and no table name`, () => {
      expect(dynamoActionsOf(route)).toEqual([]);
      expect(functionOf(route).Properties.Environment.Variables).not.toHaveProperty('TABLE_NAME');
    });
  }

  it('never grants DynamoDB actions on every resource', () => {
    const statements = Object.values(resourcesOf<IamPolicy>(template, 'AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement,
    );
    const dynamoStatements = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamoStatements.length).toBeGreaterThan(0);
    for (const statement of dynamoStatements) {
      expect([statement.Resource].flat()).not.toContain('*');
    }
  });
});

describe('index grants are least privilege (issue #18)', () => {
  const allStatements = () =>
    Object.values(resourcesOf<IamPolicy>(template, 'AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement,
    );
  /** The indexes a function may query, sorted, and what it may do on any index. */
  const indexGrantsOf = (lambda: LambdaFunction) => {
    const onIndexes = statementsOfFunction(template, lambda).filter((s) => indexesOf(s).length > 0);
    return {
      indexes: onIndexes.flatMap(indexesOf).sort(),
      actions: [...new Set(onIndexes.flatMap(actionsOf))],
    };
  };
  /** The functions besides the routes, by the start of their description (lib/). */
  const BACKGROUND: Record<FunctionWithTable, string> = {
    dispatchConsumer: 'dispatch consumer:',
    materializeCampaign: 'materialize:',
    sweep: 'sweep:',
    startCampaign: 'startCampaign:',
    aggregateMetrics: 'aggregateMetrics:',
  };
  const functionsDescribed = (start: string) =>
    Object.values(resourcesOf<LambdaFunction>(template, 'AWS::Lambda::Function')).filter((lambda) =>
      lambda.Properties.Description?.startsWith(start),
    );

  it('never grants every index of a table (`index/*`), nor anything on an index but Query', () => {
    const onIndexes = allStatements().filter((statement) => indexesOf(statement).length > 0);
    expect(onIndexes.length).toBeGreaterThan(0);
    for (const statement of onIndexes) {
      expect(indexesOf(statement)).not.toContain('*');
      expect(actionsOf(statement)).toEqual(['dynamodb:Query']);
    }
  });

  for (const route of allRoutes) {
    const declared = [...(route.indexes ?? [])].sort();
    it(`${route.id} may query exactly the indexes it declares (${declared.join(', ') || 'none'})`, () => {
      expect(indexGrantsOf(functionOf(route)).indexes).toEqual(route.table === 'none' ? [] : declared);
    });
  }

  for (const [name, start] of Object.entries(BACKGROUND) as [FunctionWithTable, string][]) {
    const declared = [...FUNCTION_TABLE_GRANTS[name].indexes].sort();
    it(`${name} may query exactly the indexes FUNCTION_TABLE_GRANTS gives it (${declared.join(', ') || 'none'})`, () => {
      const lambdas = functionsDescribed(start);
      expect(lambdas.length, start).toBeGreaterThan(0);
      for (const lambda of lambdas) expect(indexGrantsOf(lambda).indexes).toEqual(declared);
    });
  }

  it('gives a function that declares no index no index resource at all (the recount)', () => {
    const [recounter, ...others] = functionsDescribed('recountMetrics:');
    expect(others).toEqual([]);
    if (!recounter) throw new Error('no recount function');
    expect(indexGrantsOf(recounter)).toEqual({ indexes: [], actions: [] });
    const noIndex = allRoutes.filter((route) => route.table !== 'none' && !route.indexes?.length);
    expect(noIndex.length).toBeGreaterThan(0);
    for (const route of noIndex)
      expect(indexGrantsOf(functionOf(route)), route.id).toEqual({ indexes: [], actions: [] });
  });

  it('names each index it grants among the table’s (TABLE_SCHEMA)', () => {
    const names: string[] = TABLE_SCHEMA.indexes.map((index) => index.name);
    for (const statement of allStatements())
      for (const index of indexesOf(statement)) expect(names).toContain(index);
  });
});

describe('a partner webhook route (signature auth)', () => {
  const webhook: RouteDef = {
    ...routes.health,
    id: 'partnerReceipt',
    method: 'POST',
    path: '/v1/webhooks/{partnerId}/receipts',
    auth: 'signature',
    table: 'write',
  };
  // Only the API's shape matters here, so this second synthesis skips bundling.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const webhookStack = new SmsCampaignStack(app, 'Webhook', { routes: [webhook] });
  const webhookTemplate = deploymentTemplateOf(webhookStack);
  const routeKey = 'POST /v1/webhooks/{partnerId}/receipts';

  it('has no Cognito authorizer: the handler checks the signature', () => {
    webhookTemplate.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: routeKey,
      AuthorizationType: 'NONE',
    });
  });

  it('has its own throttle, set once the route exists (the stage waits for the routes’ nested stack)', () => {
    const routes = webhookStack.api.routes;
    const [routeId] = Object.keys(
      Template.fromStack(routes).findResources('AWS::ApiGatewayV2::Route', {
        Properties: { RouteKey: routeKey },
      }),
    );
    expect(routeId).toBeDefined();
    const routesStackResource = routes.nestedStackResource;
    if (!routesStackResource) throw new Error('the routes are not in a nested stack');
    Template.fromStack(webhookStack).hasResource('AWS::ApiGatewayV2::Stage', {
      DependsOn: Match.arrayWith([webhookStack.getLogicalId(routesStackResource)]),
      Properties: Match.objectLike({
        RouteSettings: {
          [routeKey]: {
            ThrottlingBurstLimit: SIGNATURE_ROUTE_THROTTLE.burstLimit,
            ThrottlingRateLimit: SIGNATURE_ROUTE_THROTTLE.rateLimit,
          },
        },
      }),
    });
  });
});

const distributionId = () => only(template.findResources('AWS::CloudFront::Distribution'))[0];
const distributionUrl = (path: string) => ({
  'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId(), 'DomainName'] }, path]],
});

describe('the console’s hosting', () => {
  it('keeps the files in a private, encrypted bucket that refuses plain HTTP', () => {
    const bucketId = logicalIdOf(stack.console.bucket);
    const bucket = template.toJSON().Resources[bucketId];
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
    expect(bucket.Properties).not.toHaveProperty('WebsiteConfiguration');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          // Only CloudFront, for this distribution, may read.
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Condition: {
              StringEquals: {
                'AWS:SourceArn': Match.objectLike({
                  'Fn::Join': ['', Match.arrayWith([{ Ref: distributionId() }])],
                }),
              },
            },
          }),
        ]),
      },
    });
  });

  it('serves it through CloudFront with origin access control, over HTTPS only', () => {
    const [oacId] = only(template.findResources('AWS::CloudFront::OriginAccessControl'));
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
      }),
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        Origins: Match.arrayWith([
          Match.objectLike({ OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] } }),
        ]),
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          ResponseHeadersPolicyId: {
            Ref: only(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0],
          },
          FunctionAssociations: [Match.objectLike({ EventType: 'viewer-request' })],
        }),
      }),
    });
  });

  it('sends security headers: a CSP without inline scripts, HSTS, nosniff, no framing, no referrer', () => {
    const [, policy] = only(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(headers).toMatchObject({
      StrictTransportSecurity: {
        AccessControlMaxAgeSec: 63_072_000,
        IncludeSubdomains: true,
        Override: true,
      },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      ContentSecurityPolicy: { Override: true },
    });
    const cspParts: unknown[] = headers.ContentSecurityPolicy.ContentSecurityPolicy['Fn::Join'][1];
    const csp = cspParts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('');
    const directives = new Map(
      csp.split('; ').map((directive) => [directive.split(' ')[0], directive.split(' ').slice(1)]),
    );
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    // The console's own origin (the API is behind it), S3 in the stack's region (a large import's upload,
    // to a pre-signed URL) and the Cognito domain, nothing else.
    const connect = directives.get('connect-src') ?? [];
    expect(connect).toHaveLength(3);
    expect(connect[0]).toBe("'self'");
    expect(connect[1]).toMatch(/^https:\/\/\*\.s3\.\{"Ref":"AWS::Region"\}\.\{"Ref":"AWS::URLSuffix"\}$/);
    expect(connect[2]).toMatch(
      /^https:\/\/\{"Ref":"AuthUserPoolDomain[0-9A-F]+"\}\.auth\..*\.amazoncognito\.com$/,
    );
  });

  describe('puts the API behind the same distribution, never cached', () => {
    const config = () => template.toJSON().Resources[distributionId()].Properties.DistributionConfig;
    const [apiId] = only(template.findResources('AWS::ApiGatewayV2::Api'));
    const apiOrigin = () => {
      const origins: { Id: string; DomainName: unknown; CustomOriginConfig?: object }[] = config().Origins;
      const found = origins.filter((origin) => JSON.stringify(origin.DomainName).includes(apiId));
      expect(found).toHaveLength(1);
      return found[0];
    };

    it('reaches the API’s execute-api domain over HTTPS only', () => {
      expect(apiOrigin()).toMatchObject({
        DomainName: { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [apiId, 'ApiEndpoint'] }] }] },
        CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
      });
    });

    it.each([
      ['/v1/*', 'https-only'],
      ['/l/*', 'redirect-to-https'],
    ])('sends %s to the API with every method and every viewer header but Host', (path, viewer) => {
      const behaviours: { PathPattern: string }[] = config().CacheBehaviors;
      const behaviour = behaviours.find((candidate) => candidate.PathPattern === path);
      expect(behaviour).toMatchObject({
        PathPattern: path,
        TargetOriginId: apiOrigin()?.Id,
        ViewerProtocolPolicy: viewer,
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
        CachePolicyId: CachePolicy.CACHING_DISABLED.cachePolicyId,
        // Authorization, content-type, Idempotency-Key, Accept-Language, webhook-*: all of them.
        OriginRequestPolicyId: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
        ResponseHeadersPolicyId: {
          Ref: only(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0],
        },
      });
      // `/v1/...` has no extension, yet is no client route.
      expect(behaviour).not.toHaveProperty('FunctionAssociations');
    });

    it('sends nothing else to the API: client routes and assets stay on the bucket', () => {
      const behaviours: { PathPattern: string }[] = config().CacheBehaviors;
      expect(behaviours.map((behaviour) => behaviour.PathPattern)).toEqual(['/v1/*', '/l/*']);
    });
  });

  it('serves index.html for client routes and nothing else, in a CloudFront Function', () => {
    const [, fn] = only(template.findResources('AWS::CloudFront::Function'));
    const uriOf = (uri: string): unknown =>
      runInNewContext(
        `${fn.Properties.FunctionCode}; handler({ request: { uri: ${JSON.stringify(uri)} } }).uri`,
      );
    expect(uriOf('/campaigns/01JABC')).toBe('/index.html');
    expect(uriOf('/auth/callback')).toBe('/index.html');
    expect(uriOf('/')).toBe('/index.html');
    expect(uriOf('/assets/main-ABC123.js')).toBe('/assets/main-ABC123.js');
    expect(uriOf('/config.json')).toBe('/config.json');
  });

  it('caches hashed assets for a year, and never index.html or config.json', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      Exclude: ['index.html', 'config.json'],
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
      Prune: false,
    });
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      Include: ['index.html', 'config.json'],
      SystemMetadata: { 'cache-control': 'no-cache' },
      DistributionPaths: ['/index.html', '/config.json'],
    });
  });

  it('writes config.json at deploy time: the API on the console’s own origin, short links, Cognito sign-in', () => {
    const deployments = Object.values(template.findResources('Custom::CDKBucketDeployment'));
    const entry = deployments.find((deployment) => deployment.Properties.Include);
    const markers = JSON.stringify(entry?.Properties.SourceMarkers);
    expect(markers).not.toContain('"Fn::GetAtt":["HttpApi');
    expect(markers).toContain(JSON.stringify({ 'Fn::GetAtt': [distributionId(), 'DomainName'] }));
    expect(markers).toMatch(/"Ref":"AuthUserPoolConsoleClient[0-9A-F]+"/);
    expect(markers).toMatch(/"Ref":"AuthUserPoolDomain[0-9A-F]+"/);
    const staged = readdirSync(app.synth().directory)
      .map((name) => join(app.synth().directory, name, 'config.json'))
      .filter((path) => {
        try {
          return readFileSync(path).length > 0;
        } catch {
          return false;
        }
      });
    expect(staged).toHaveLength(1);
    const config: unknown = JSON.parse(readFileSync(staged[0] ?? '', 'utf8'));
    expect(config).toMatchObject({ apiBaseUrl: '', signIn: 'cognito' });
  });
});

describe('Cognito managed login', () => {
  it('has a Cognito prefix domain with managed login and Cognito’s own style for the console', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: Match.anyValue(),
      ManagedLoginVersion: 2,
    });
    template.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', {
      UseCognitoProvidedValues: true,
      ClientId: { Ref: Match.stringLikeRegexp('ConsoleClient') },
    });
  });

  it('gives the console a public client: code flow only, no secret, no implicit, back to the distribution', () => {
    const [, client] = only(template.findResources('AWS::Cognito::UserPoolClient'));
    expect(client.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email'],
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: [distributionUrl('/auth/callback')],
      LogoutURLs: [distributionUrl('/sign-in')],
    });
  });
});
