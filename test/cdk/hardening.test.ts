import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { TABLE_SCHEMA } from '#adapters/table.js';
import { allRoutes } from '#api/routes.js';
import { eventBusNameOf } from '#lib/campaign-events.js';
import { scheduleGroupNameOf } from '#lib/campaign-scheduler.js';
import { EdgeProtectionStack, WAF_RATE_LIMIT_PER_5_MINUTES } from '#lib/edge-protection.js';
import { BUNDLING, HandlerFunction, REPO_ROOT } from '#lib/handler-function.js';
import {
  POWERTOOLS_LAYER_MODULES,
  POWERTOOLS_PACKAGES,
  powertoolsLayerParameter,
  powertoolsVersion,
} from '#lib/powertools-layer.js';
import { partnerSecretsKeyOf } from '#lib/partner-secrets-key.js';
import { ACCESS_LOG_FIELDS, API_SERVER_ERROR_PERCENT } from '#lib/http-api.js';
import { SmsCampaignStack } from '#lib/sms-campaign-stack.js';
import { DEFAULT_RETENTION_DAYS, stackNameOf, stageConfigFromContext } from '#lib/stage-config.js';
import {
  actionsOf,
  denyWithoutTls,
  functionOf,
  getAtt,
  logicalIdOf,
  referencedIds,
  resourceListOf,
  resourcesOf,
  statementsOfFunction,
  statementsOfRole,
  type Statement,
  deploymentTemplateOf,
} from './template.js';

// Assertions on resources, not code: no bundling.
const unbundledApp = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new SmsCampaignStack(unbundledApp(), 'Hardened', {
  partnerIds: ['viettel-hn'],
  alarmEmail: 'ops@example.gov.vn',
});
const template = deploymentTemplateOf(stack);
const json = JSON.stringify(template.toJSON());

const ourFunctions = stack.node.findAll().filter((construct) => construct instanceof HandlerFunction);
const roleIdOf = (fn: HandlerFunction) => logicalIdOf(fn.ownRole);

/** Actions that IAM accepts only on `Resource: "*"`, each with why a function of ours needs it. */
const ONLY_ON_ANY_RESOURCE: Record<string, string> = {
  'xray:PutTraceSegments': 'active tracing (X-Ray has no resource-level permissions)',
  'xray:PutTelemetryRecords': 'active tracing',
  'dynamodb:ListStreams': "the stream event source's own grant (ListStreams has no resource)",
};

describe('data protection', () => {
  it('encrypts the table with a customer-managed key that rotates, and keeps the key', () => {
    const keyId = logicalIdOf(stack.data.key);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [Match.objectLike({ SSESpecification: { KMSMasterKeyId: getAtt(keyId) } })],
    });
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ EnableKeyRotation: true }),
    });
  });

  it('protects the table from deletion, with point-in-time recovery and TTL on', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
      Replicas: [
        Match.objectLike({
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      ],
    });
  });

  it('lets a dev stage turn deletion protection off (context deletionProtection=false)', () => {
    const dev = new SmsCampaignStack(unbundledApp(), 'Scratch', { deletionProtection: false });
    Template.fromStack(dev).hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })],
    });
  });

  it('puts no secret in the template or its outputs: no signing secret, key material or access key', () => {
    for (const pattern of [
      /whsec_/,
      /-----BEGIN/,
      /AKIA[0-9A-Z]{16}/,
      /"SecretString"/,
      /aws_secret_access_key/i,
    ])
      expect(json).not.toMatch(pattern);
    const outputs = Object.keys(template.toJSON().Outputs ?? {});
    expect(outputs.filter((name) => /secret|password|key$/i.test(name))).toEqual([]);
  });
});

describe('least privilege', () => {
  const statementsOf = (fn: HandlerFunction): Statement[] => statementsOfRole(template, roleIdOf(fn));

  it('seals partners’ signing secrets with a rotating key of their own, used by their few functions only', () => {
    const key = partnerSecretsKeyOf(stack);
    const keyId = logicalIdOf(key);
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        Description: Match.stringLikeRegexp('signing secrets'),
        EnableKeyRotation: true,
      }),
    });
    expect(keyId).not.toBe(logicalIdOf(stack.data.key));
    const uses = Object.fromEntries(
      ourFunctions.flatMap((fn) => {
        const actions = statementsOf(fn)
          .filter((statement) => referencedIds(statement.Resource).includes(keyId))
          .flatMap(actionsOf);
        return actions.length ? [[fn.node.path.replace(/^Hardened\//, ''), actions.sort()]] : [];
      }),
    );
    expect(uses).toEqual({
      'Http/Routes/putPartnerFunction': ['kms:Encrypt'],
      'Http/Routes/rotatePartnerSecretFunction': ['kms:Encrypt'],
      'Http/Routes/receiveDeliveryReportsFunction': ['kms:Decrypt'],
      'Http/Routes/receiveInboundFunction': ['kms:Decrypt'],
      'Dispatch/Partner-viettel-hn/Consumer': ['kms:Decrypt'],
      'Dispatch/DefaultPartners/Consumer': ['kms:Decrypt'],
    });
    // Only under a partner's encryption context, as the sealer asks (a value opens for its partner only).
    for (const fn of ourFunctions)
      for (const statement of statementsOf(fn).filter((s) => referencedIds(s.Resource).includes(keyId)))
        expect(statement.Condition).toEqual({
          'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['partnerId'] },
          Null: { 'kms:EncryptionContext:partnerId': 'false' },
        });
    // The table's key is not enough: no function that only reads or writes the table may use this one.
    for (const fn of ourFunctions) {
      const variables = (template.toJSON().Resources[logicalIdOf(fn)]?.Properties?.Environment?.Variables ??
        {}) as Record<string, unknown>;
      const path = fn.node.path.replace(/^Hardened\//, '');
      expect('PARTNER_SECRETS_KEY_ARN' in variables, path).toBe(path in uses);
    }
  });

  it('gives no function an action wildcard (`*` or `service:*`)', () => {
    for (const fn of ourFunctions)
      for (const action of statementsOf(fn).flatMap(actionsOf))
        expect(action, `${fn.node.path}: ${action}`).not.toMatch(/(^\*$)|(:\*$)/);
  });

  it('grants `Resource: "*"` only for actions that have no resource, and says why', () => {
    for (const fn of ourFunctions)
      for (const statement of statementsOf(fn))
        if (resourceListOf(statement).includes('*'))
          for (const action of actionsOf(statement))
            expect(ONLY_ON_ANY_RESOURCE, `${fn.node.path}: ${action} on *`).toHaveProperty([action]);
  });

  it('grants the table and its named indexes only, never `index/*`', () => {
    const tableId = logicalIdOf(stack.data.table);
    for (const fn of ourFunctions)
      for (const statement of statementsOf(fn).filter((s) =>
        actionsOf(s).some((a) => a.startsWith('dynamodb:Get')),
      )) {
        expect(JSON.stringify(statement.Resource)).not.toContain('index/*');
        expect(referencedIds(statement.Resource)).toContain(tableId);
      }
  });

  it('lets each dispatch consumer read its own queue and no other', () => {
    for (const lane of stack.dispatch.partnerQueues) {
      const sqsResources = statementsOf(lane.consumer)
        .filter((statement) => actionsOf(statement).some((action) => action.startsWith('sqs:')))
        .flatMap((statement) => referencedIds(statement.Resource));
      expect(new Set(sqsResources)).toEqual(new Set([logicalIdOf(lane.queue)]));
    }
  });

  it('gives every function a role of its own, without AWS managed policies', () => {
    const roles = new Set(ourFunctions.map(roleIdOf));
    expect(roles.size).toBe(ourFunctions.length);
    for (const roleId of roles)
      expect(template.toJSON().Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('the files bucket (issue #18: report exports, import uploads)', () => {
  const filesId = logicalIdOf(stack.files.bucket);
  const dataKey = getAtt(logicalIdOf(stack.data.key));

  it('is private, TLS only, encrypted with the data key, logged, and deletes every object after a day', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: dataKey },
            BucketKeyEnabled: true,
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 1, Status: 'Enabled' })] },
      LoggingConfiguration: Match.objectLike({
        DestinationBucketName: { Ref: logicalIdOf(stack.console.logBucket) },
      }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: filesId },
      PolicyDocument: { Statement: Match.arrayWith([denyWithoutTls('s3:*')]) },
    });
    expect(resourcesOf(template, 'AWS::S3::Bucket')[filesId]).toMatchObject({ DeletionPolicy: 'Retain' });
  });

  it('takes cross-origin requests from the console’s origin only, and only its upload PUT', () => {
    const bucket = resourcesOf<{ Properties: { CorsConfiguration?: unknown } }>(template, 'AWS::S3::Bucket')[
      filesId
    ];
    expect(bucket?.Properties.CorsConfiguration).toEqual({
      CorsRules: [
        {
          AllowedMethods: ['PUT'],
          AllowedOrigins: [stack.resolve(stack.console.url)],
          AllowedHeaders: ['content-type'],
          MaxAge: 3600,
        },
      ],
    });
  });

  it('lets only the routes that declare files use them: their prefix, their actions, the key only through S3', () => {
    expect(
      allRoutes
        .filter((route) => route.files)
        .map((route) => route.id)
        .sort(),
    ).toEqual(['createImportUpload', 'createReportExport', 'importSubscribers']);
    for (const route of allRoutes) {
      const lambda = functionOf(template, route);
      const statements = statementsOfFunction(template, lambda);
      const s3 = statements.filter((statement) => actionsOf(statement).some((a) => a.startsWith('s3:')));
      const fileKey = statements.filter((statement) => statement.Sid === 'FileKey');
      if (!route.files) {
        expect(s3, route.id).toEqual([]);
        expect(fileKey, route.id).toEqual([]);
        expect(lambda.Properties.Environment.Variables, route.id).not.toHaveProperty('FILES_BUCKET');
        continue;
      }
      const { prefix, actions } = route.files;
      const allowed = [
        ...(actions.includes('read') ? ['s3:GetObject'] : []),
        ...(actions.includes('write') ? ['s3:PutObject'] : []),
      ];
      expect(s3, route.id).toEqual([
        {
          Sid: 'FileObjects',
          Effect: 'Allow',
          // One action is rendered as a string.
          Action: allowed.length === 1 ? allowed[0] : allowed,
          Resource: { 'Fn::Join': ['', [getAtt(filesId), `/${prefix}/*`]] },
        },
      ]);
      expect(fileKey, route.id).toEqual([
        expect.objectContaining({
          Resource: dataKey,
          Condition: { StringEquals: { 'kms:ViaService': expect.anything() } },
        }),
      ]);
      expect(lambda.Properties.Environment.Variables, route.id).toMatchObject({
        FILES_BUCKET: { Ref: filesId },
        FILES_KEY_ARN: dataKey,
      });
    }
  });
});

describe('API protection', () => {
  /** Everything else needs a Cognito token, whatever the route table says about a route. */
  const WITHOUT_AUTHORIZER = [
    'GET /health',
    'GET /l/{code}',
    'GET /v1/openapi.json',
    'POST /v1/webhooks/{partnerId}/delivery-reports',
    'POST /v1/webhooks/{partnerId}/inbound',
  ];

  it('puts the Cognito authorizer on every synthesized route but health, short links, the document and webhooks', () => {
    const routes = Object.values(
      resourcesOf<{ Properties: { RouteKey: string; AuthorizationType: string } }>(
        template,
        'AWS::ApiGatewayV2::Route',
      ),
    );
    expect(routes.length).toBeGreaterThan(WITHOUT_AUTHORIZER.length);
    for (const route of routes) {
      const open = WITHOUT_AUTHORIZER.includes(route.Properties.RouteKey);
      expect(route.Properties.AuthorizationType, route.Properties.RouteKey).toBe(open ? 'NONE' : 'JWT');
    }
  });

  it('logs every request as JSON to a log group with retention, without paths, IPs, headers or tokens', () => {
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    const format: string = stage?.Properties.AccessLogSettings.Format;
    expect(JSON.parse(format)).toEqual(ACCESS_LOG_FIELDS);
    for (const forbidden of ['$context.path', 'sourceIp', 'header', 'querystring', 'Authorization'])
      expect(format).not.toContain(forbidden);
    expect(referencedIds(stage?.Properties.AccessLogSettings.DestinationArn)).toEqual([
      logicalIdOf(stack.api.accessLogs),
    ]);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('offers TOTP MFA, asks for 12-character passwords and runs Cognito threat protection', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
    });
  });

  it('has no CORS: the console and the API share one origin', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
  });

  it('has no WAF by default', () => {
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ WebACLId: Match.absent() }),
    });
  });

  it('with waf=true, puts a rate-based web ACL (us-east-1, CLOUDFRONT) on the distribution', () => {
    const app = unbundledApp();
    const env = { account: '111111111111', region: 'ap-southeast-1' };
    const edge = new EdgeProtectionStack(app, 'Edge', { stage: 'dev', env: { account: env.account } });
    const main = new SmsCampaignStack(app, 'Main', {
      env,
      crossRegionReferences: true,
      webAclArn: edge.webAcl.attrArn,
    });
    expect(edge.region).toBe('us-east-1');
    Template.fromStack(edge).hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      Rules: Match.arrayWith([
        Match.objectLike({
          Action: { Block: {} },
          Statement: { RateBasedStatement: { Limit: WAF_RATE_LIMIT_PER_5_MINUTES, AggregateKeyType: 'IP' } },
        }),
      ]),
    });
    Template.fromStack(main).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ WebACLId: Match.anyValue() }),
    });
  });
});

describe('resilience', () => {
  const queues = resourcesOf<{ Properties: { RedrivePolicy?: unknown } }>(template, 'AWS::SQS::Queue');
  const deadLetterTargets = new Set(
    [
      ...Object.values(queues).map((queue) => queue.Properties.RedrivePolicy),
      ...Object.values(
        resourcesOf<{ Properties: { DeadLetterConfig?: unknown } }>(template, 'AWS::Lambda::Function'),
      ).map((fn) => fn.Properties.DeadLetterConfig),
      ...Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).map(
        (mapping) => mapping.Properties.DestinationConfig,
      ),
      ...Object.values(template.findResources('AWS::SNS::Subscription')).map(
        (subscription) => subscription.Properties.RedrivePolicy,
      ),
    ].flatMap(referencedIds),
  );

  it('gives every queue a dead-letter queue, or makes it one', () => {
    for (const [id, queue] of Object.entries(queues))
      expect(queue.Properties.RedrivePolicy !== undefined || deadLetterTargets.has(id), id).toBe(true);
  });

  it('gives every SNS subscription and every EventBridge target a dead-letter queue', () => {
    for (const subscription of Object.values(template.findResources('AWS::SNS::Subscription')))
      expect(subscription.Properties.RedrivePolicy).toBeDefined();
    for (const rule of Object.values(template.findResources('AWS::Events::Rule')))
      for (const target of rule.Properties.Targets) expect(target.DeadLetterConfig).toBeDefined();
  });

  it('gives every asynchronously invoked function a dead-letter queue', () => {
    const async = [stack.scheduler.targetFunction, stack.dispatch.materializer, stack.dispatch.sweep];
    for (const fn of async)
      expect(
        template.toJSON().Resources[logicalIdOf(fn)].Properties.DeadLetterConfig,
        fn.node.path,
      ).toBeDefined();
  });

  it('sends every alarm to the one alarm topic, encrypted with its own key, mailed to alarmEmail', () => {
    const topicId = logicalIdOf(stack.alarmTopic.topic);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThan(stack.functionAlarms.alarms.length);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: getAtt(logicalIdOf(stack.alarmTopic.key)),
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.gov.vn',
      TopicArn: { Ref: topicId },
    });
  });

  it('has no e-mail subscription without alarmEmail', () => {
    const quiet = Template.fromStack(new SmsCampaignStack(unbundledApp(), 'Quiet'));
    quiet.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 0);
  });

  it('alarms on every function’s failed-or-throttled rate (the API’s on its 5xx rate), the stream iterator age and failovers', () => {
    const apiFunctions = new Set(stack.api.node.findAll());
    const outsideApi = ourFunctions.filter((fn) => !apiFunctions.has(fn));
    expect(outsideApi.length).toBeGreaterThan(0);
    expect(outsideApi.length).toBeLessThan(ourFunctions.length);
    expect(stack.functionAlarms.alarms).toHaveLength(outsideApi.length);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: API_SERVER_ERROR_PERCENT,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(requests > 0, 100 * errors / requests, 0)' }),
        Match.objectLike({
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: '5xx' }) }),
        }),
      ]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(stack.metrics.aggregator) } }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [Match.objectLike({ Expression: Match.stringLikeRegexp('SUM\\(Failovers\\)') })],
    });
  });

  it('traces every function with X-Ray (Powertools Tracer on)', () => {
    for (const fn of ourFunctions) {
      const props = template.toJSON().Resources[logicalIdOf(fn)].Properties;
      expect(props.TracingConfig, fn.node.path).toEqual({ Mode: 'Active' });
      expect(props.Environment.Variables.POWERTOOLS_TRACE_ENABLED).toBe('true');
    }
  });

  it('gives every function AWS’s Powertools layer of the version the tests ran, resolved at deploy time', () => {
    const version = powertoolsVersion(REPO_ROOT);
    const require = createRequire(import.meta.url);
    for (const name of POWERTOOLS_PACKAGES) {
      const manifest = JSON.parse(
        readFileSync(join(dirname(require.resolve(name)), '..', '..', 'package.json'), 'utf8'),
      ) as { version: string };
      expect(manifest.version, name).toBe(version);
    }
    const parameters = Object.entries(template.toJSON().Parameters as Record<string, { Default?: string }>);
    const layerParameters = parameters.filter(([, p]) => p.Default === powertoolsLayerParameter(version));
    expect(layerParameters).toHaveLength(1);
    const layerParameterId = layerParameters[0]?.[0];
    for (const fn of ourFunctions) {
      const props = template.toJSON().Resources[logicalIdOf(fn)].Properties;
      expect(props.Layers, fn.node.path).toEqual([{ Ref: layerParameterId }]);
    }
    expect(BUNDLING.externalModules).toEqual(expect.arrayContaining(POWERTOOLS_LAYER_MODULES));
  });

  it('caps each dispatch consumer’s concurrency, which pacing assumes', () => {
    template.allResourcesProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: Match.anyValue(),
    });
    for (const mapping of Object.values(template.findResources('AWS::Lambda::EventSourceMapping')))
      if (mapping.Properties.EventSourceArn?.['Fn::GetAtt']?.[1] === 'Arn')
        expect(mapping.Properties.ScalingConfig).toEqual({ MaximumConcurrency: 5 });
  });
});

/** Properties whose value must be unique in an account and region (or globally), by resource type. */
const ACCOUNT_UNIQUE_NAMES: readonly [type: string, property: string][] = [
  ['AWS::Events::EventBus', 'Name'],
  ['AWS::Events::Archive', 'ArchiveName'],
  ['AWS::Scheduler::ScheduleGroup', 'Name'],
  ['AWS::Cognito::UserPoolDomain', 'Domain'],
  ['AWS::DynamoDB::GlobalTable', 'TableName'],
  ['AWS::SQS::Queue', 'QueueName'],
  ['AWS::SNS::Topic', 'TopicName'],
  ['AWS::Lambda::Function', 'FunctionName'],
  ['AWS::Logs::LogGroup', 'LogGroupName'],
  ['AWS::IAM::Role', 'RoleName'],
  ['AWS::S3::Bucket', 'BucketName'],
  ['AWS::KMS::Alias', 'AliasName'],
  ['AWS::CloudWatch::Alarm', 'AlarmName'],
  ['AWS::CloudWatch::Dashboard', 'DashboardName'],
  ['AWS::CloudFront::Function', 'Name'],
  ['AWS::CloudFront::ResponseHeadersPolicy', 'ResponseHeadersPolicyConfig'],
  ['AWS::WAFv2::WebACL', 'Name'],
];

describe('environments', () => {
  it('reads the stage’s settings from the context, with defaults, and refuses bad values', () => {
    const config = stageConfigFromContext(() => undefined);
    expect(config).toMatchObject({
      stage: 'dev',
      waf: false,
      retentionDays: 180,
      logRetentionDays: 30,
      deletionProtection: true,
    });
    expect(config.alarmEmail).toBeUndefined();
    const context: Record<string, unknown> = {
      stage: 'prod',
      waf: 'true',
      retentionDays: '90',
      alarmEmail: 'a@b.vn',
      partners: 'viettel-hn',
    };
    expect(stageConfigFromContext((key) => context[key])).toMatchObject({
      stage: 'prod',
      waf: true,
      retentionDays: 90,
      alarmEmail: 'a@b.vn',
      partnerIds: ['viettel-hn'],
    });
    expect(() => stageConfigFromContext((key) => ({ stage: 'Prod!' })[key])).toThrow(/stage/);
    expect(() => stageConfigFromContext((key) => ({ waf: 'yes' })[key])).toThrow(/waf/);
    expect(() => stageConfigFromContext((key) => ({ retentionDays: '0' })[key])).toThrow(/retentionDays/);
    expect(() => stageConfigFromContext((key) => ({ logRetentionDays: 31 })[key])).toThrow(
      /logRetentionDays/,
    );
    expect(() => stageConfigFromContext((key) => ({ alarmEmail: 'nobody' })[key])).toThrow(/alarmEmail/);
  });

  it('tells every function that writes the table how long per-recipient data is kept (RETENTION_DAYS)', () => {
    const writers = ourFunctions.filter((fn) =>
      statementsOfRole(template, roleIdOf(fn)).some((s) => actionsOf(s).includes('dynamodb:PutItem')),
    );
    expect(writers.length).toBeGreaterThan(3);
    for (const fn of writers)
      expect(
        template.toJSON().Resources[logicalIdOf(fn)].Properties.Environment.Variables.RETENTION_DAYS,
      ).toBe(String(DEFAULT_RETENTION_DAYS));
    const shorter = Template.fromStack(
      new SmsCampaignStack(unbundledApp(), 'Shorter', { retentionDays: 30 }),
    );
    const [materializer] = Object.values(
      shorter.findResources('AWS::Lambda::Function', {
        Properties: { Description: Match.stringLikeRegexp('^materialize') },
      }),
    );
    expect(materializer?.Properties.Environment.Variables.RETENTION_DAYS).toBe('30');
  });

  it('lets two stages live in one account: no physical name in common', () => {
    const app = unbundledApp();
    // Both in one app, as `cdk deploy` with two stages would build them, before anything synthesizes.
    const stages = Object.fromEntries(
      ['dev', 'prod'].map((stage) => [stage, new SmsCampaignStack(app, stackNameOf(stage), { stage })]),
    );
    const names = (stage: string) => {
      const staged = stages[stage];
      if (!staged) throw new Error(stage);
      const found = new Set<string>();
      for (const [type, property] of ACCOUNT_UNIQUE_NAMES)
        for (const resource of Object.values(deploymentTemplateOf(staged).findResources(type))) {
          const name: unknown = resource.Properties?.[property];
          if (name !== undefined) found.add(`${type} ${property}=${JSON.stringify(name)}`);
        }
      return found;
    };
    const dev = names('dev');
    const prod = names('prod');
    expect(dev).toContain(`AWS::Events::EventBus Name="${eventBusNameOf('dev')}"`);
    expect(dev).toContain(`AWS::Scheduler::ScheduleGroup Name="${scheduleGroupNameOf('dev')}"`);
    expect([...dev].filter((name) => name.startsWith('AWS::Cognito::UserPoolDomain'))).toHaveLength(1);
    expect([...dev].filter((name) => prod.has(name))).toEqual([]);
    expect(stackNameOf('dev')).not.toBe(stackNameOf('prod'));
  });
});
