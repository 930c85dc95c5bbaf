import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Aws, CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal, type IRole } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing, type IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  Charset,
  NodejsFunction,
  OutputFormat,
  type BundlingOptions,
  type NodejsFunctionProps,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ScheduleGroupGrants, type IScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { SERVICE_NAME } from '#adapters/service-name.js';
import { encryptionKeyOf } from './data-table.js';
import { optOutHashKeyOf } from './opt-out-hash-key.js';
import {
  INDEX_ACTIONS,
  indexArns,
  isWriteAction,
  tableActionsFor,
  type TableGrant,
} from './table-actions.js';
import { partnerSecretsKeyOf } from './partner-secrets-key.js';
import { nagAttributeOf, nagEnvironment } from './nag.js';
import { POWERTOOLS_LAYER_MODULES, powertoolsLayerOf } from './powertools-layer.js';
import type { FileAccess } from '#http/route.js';
import type { FileBucket } from './file-bucket.js';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Construct-tree context the stack sets (`SmsCampaignStack`) and every HandlerFunction below it reads:
 * how long logs are kept, and how long per-recipient data is kept (`RETENTION_DAYS`).
 */
export const LOG_RETENTION_CONTEXT = 'sms:logRetentionDays';
export const RETENTION_DAYS_CONTEXT = 'sms:retentionDays';
const DEFAULT_RETENTION_DAYS = 180;
const retentionDaysOf = (scope: Construct): string => {
  const days: unknown = scope.node.tryGetContext(RETENTION_DAYS_CONTEXT);
  return String(typeof days === 'number' ? days : DEFAULT_RETENTION_DAYS);
};

/** DynamoDB uses the table's key for the caller: reading decrypts, writing also encrypts. */
const KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'] as const;
const KEY_WRITE_ACTIONS = ['kms:Encrypt', 'kms:GenerateDataKey'] as const;

/** What `NodejsFunction` leaves out of the bundle by default on Node.js 18 and later: the runtime has it. */
export const RUNTIME_PROVIDED_MODULES = ['@aws-sdk/*'];

/** How every handler is bundled (esbuild through `NodejsFunction`); the bundle benchmark builds the same. */
export const BUNDLING = {
  // Synth must work offline and on machines without Docker.
  forceDockerBundling: false,
  format: OutputFormat.ESM,
  target: 'node24',
  mainFields: ['module', 'main'],
  sourceMap: true,
  minify: true,
  // The message catalogue's Vietnamese as UTF-8, not `\u1EA1` escapes: 6 KB less in every API bundle.
  charset: Charset.UTF8,
  // The AWS SDK is in the runtime, Powertools in AWS's layer (`powertoolsLayerOf`).
  externalModules: [...RUNTIME_PROVIDED_MODULES, ...POWERTOOLS_LAYER_MODULES],
  // Bundled CommonJS dependencies call `require`, which an ES module does not have.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
} satisfies BundlingOptions;

/** Where a handler's one-time schedules live and what they do when they fire (see `CampaignScheduler`). */
export interface ScheduleTarget {
  readonly group: IScheduleGroup;
  readonly targetFunction: IFunction;
  /** The role EventBridge Scheduler assumes to invoke `targetFunction`. */
  readonly role: IRole;
  readonly deadLetterQueue: IQueue;
}

export interface HandlerFunctionProps extends Pick<
  NodejsFunctionProps,
  'memorySize' | 'timeout' | 'environment' | 'description' | 'deadLetterQueue'
> {
  /** Handler module relative to the repository root (as `RouteDef.entry`); it exports `handler`. */
  readonly entry: string;
}

/**
 * A Lambda function built from one of our TypeScript handlers (an API route, a queue consumer, the
 * materialiser, the sweep, the scheduled start, the stream aggregator), with the project's defaults in one
 * place.
 */
export class HandlerFunction extends NodejsFunction {
  /** The function's own role (a sibling construct: it must exist before the function). */
  readonly ownRole: Role;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention:
        (scope.node.tryGetContext(LOG_RETENTION_CONTEXT) as RetentionDays | undefined) ??
        RetentionDays.ONE_MONTH,
    });
    // Our own role rather than AWSLambdaBasicExecutionRole, whose logs grant covers every log group.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      // IAM descriptions take Latin-1 only (the functions' own descriptions have arrows).
      description: `Role of the ${id} function (${props.entry})`,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      entry: join(REPO_ROOT, props.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      description: props.description,
      deadLetterQueue: props.deadLetterQueue,
      logGroup,
      role,
      // X-Ray: Powertools Tracer's segments (functions/adapters/tracer.ts) land under the function's trace.
      tracing: Tracing.ACTIVE,
      layers: [powertoolsLayerOf(scope, REPO_ROOT)],
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_TRACE_ENABLED: 'true',
        ...props.environment,
      },
      bundling: BUNDLING,
    });
    this.ownRole = role;
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level permissions (Resource "*" is the only form IAM accepts).',
    });
  }

  /**
   * Tells the handler which table to use and grants only `actions` on the table itself (no index), with the
   * table key's use they need: for a function whose table access is narrower than a route's read or write.
   */
  bindTableActions(table: ITable, actions: readonly string[]): void {
    this.addEnvironment('TABLE_NAME', table.tableName);
    this.addToRolePolicy(
      new PolicyStatement({ sid: 'TableActions', actions: [...actions], resources: [table.tableArn] }),
    );
    this.bindTableKey(table, actions.some(isWriteAction));
  }

  /**
   * Tells the handler which table to use and grants exactly the access it declares (a route's `table` and
   * `indexes`, or FUNCTION_TABLE_GRANTS): its actions on the table itself, and `Query` on each index it
   * queries by name, on no other (none when it declares none).
   */
  bindTable(table: ITable, grant: TableGrant): void {
    const access = grant.table;
    this.addEnvironment('TABLE_NAME', table.tableName);
    const writes = access === 'write';
    this.addToRolePolicy(
      new PolicyStatement({
        sid: writes ? 'TableReadWrite' : 'TableReadOnly',
        actions: [...tableActionsFor(access)],
        resources: [table.tableArn],
      }),
    );
    const indexes = indexArns(table.tableArn, grant.indexes);
    if (indexes.length)
      this.addToRolePolicy(
        new PolicyStatement({ sid: 'TableIndexes', actions: [...INDEX_ACTIONS], resources: indexes }),
      );
    this.bindTableKey(table, writes);
  }

  /**
   * What every binding of the table adds to its grant: the use of the table's key (encrypting too for a
   * function that writes), the opt-out hash key and, for one that writes, the retention period.
   */
  private bindTableKey(table: ITable, writes: boolean): void {
    const key = encryptionKeyOf(table);
    if (key)
      this.addToRolePolicy(
        new PolicyStatement({
          sid: 'TableKey',
          actions: [...KEY_READ_ACTIONS, ...(writes ? KEY_WRITE_ACTIONS : [])],
          resources: [key.keyArn],
        }),
      );
    // Opt-outs are looked up (and erased ones stored) by an HMAC of the number under the stack's one key.
    this.addEnvironment('OPT_OUT_HASH_KEY', optOutHashKeyOf(this).secretValue.unsafeUnwrap());
    // Whoever writes may write per-recipient items, which expire after the retention period (TTL).
    if (writes) this.addEnvironment('RETENTION_DAYS', retentionDaysOf(this));
  }

  /**
   * Lets the handler read or write the file bucket's objects under one prefix, and no other: itself, and
   * through the pre-signed URLs it signs, which act with its rights. The key only through S3.
   */
  bindFiles(files: FileBucket, access: FileAccess): void {
    this.addEnvironment('FILES_BUCKET', files.bucket.bucketName);
    this.addEnvironment('FILES_KEY_ARN', files.key.keyArn);
    const reads = access.actions.includes('read');
    const writes = access.actions.includes('write');
    this.addToRolePolicy(
      new PolicyStatement({
        sid: 'FileObjects',
        actions: [...(reads ? ['s3:GetObject'] : []), ...(writes ? ['s3:PutObject'] : [])],
        resources: [files.bucket.arnForObjects(`${access.prefix}/*`)],
      }),
    );
    this.addToRolePolicy(
      new PolicyStatement({
        sid: 'FileKey',
        actions: [...(reads ? ['kms:Decrypt'] : []), ...(writes ? ['kms:GenerateDataKey'] : [])],
        resources: [files.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
    const bucket = files.bucket.node.defaultChild;
    if (!(bucket instanceof CfnElement)) throw new Error('The files bucket has no CfnBucket');
    Validations.of(this.ownRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagAttributeOf(this, bucket, 'Arn')}/${access.prefix}/*]`,
      reason: `Every object under ${access.prefix}/, one per export or upload, named at run time: that prefix of the files bucket and no other.`,
    });
  }

  /**
   * Lets the handler seal (KMS Encrypt) or open (Decrypt) partners' signing secrets with the stack's key
   * (`PARTNER_SECRETS_KEY_ARN`), and only under a `partnerId` encryption context, as the sealer sends.
   */
  bindPartnerSecrets(use: 'seal' | 'open'): void {
    const key = partnerSecretsKeyOf(this);
    this.addEnvironment('PARTNER_SECRETS_KEY_ARN', key.keyArn);
    this.addToRolePolicy(
      new PolicyStatement({
        sid: use === 'seal' ? 'SealPartnerSecrets' : 'OpenPartnerSecrets',
        actions: [use === 'seal' ? 'kms:Encrypt' : 'kms:Decrypt'],
        resources: [key.keyArn],
        conditions: {
          'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['partnerId'] },
          Null: { 'kms:EncryptionContext:partnerId': 'false' },
        },
      }),
    );
  }

  /** Lets the handler publish to the bus, and to no other. */
  bindEvents(bus: IEventBus): void {
    this.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
    bus.grantPutEventsTo(this);
  }

  /** Lets the handler publish batch notices to the dispatch topic (`BATCH_TOPIC_ARN`), and to no other. */
  bindBatchTopic(topic: ITopic): void {
    this.addEnvironment('BATCH_TOPIC_ARN', topic.topicArn);
    topic.grantPublish(this);
  }

  /**
   * Lets the handler send SMS straight to phone numbers with SNS `Publish` (partners of kind `sns`).
   *
   * A phone number has no ARN: IAM evaluates such a publish against the number itself (`+84…`), and a
   * policy's `Resource` accepts only ARNs or `*`. Rather than `Resource: *`, which would also open every
   * topic and platform endpoint, the grant says `NotResource: arn:<partition>:sns:*:*:*`: SNS `Publish`
   * on anything that is not an SNS resource, which leaves exactly the phone numbers. It is one action of
   * one service, so the usual danger of `NotResource` with `Allow` (everything else) does not arise.
   * `aws:RequestedRegion` keeps it to the stack's region, whose SMS spend limit caps any abuse.
   */
  grantSmsPublish(): void {
    this.addToRolePolicy(
      new PolicyStatement({
        sid: 'SmsToPhoneNumbersOnly',
        actions: ['sns:Publish'],
        notResources: [`arn:${Aws.PARTITION}:sns:*:*:*`],
        conditions: { StringEquals: { 'aws:RequestedRegion': Stack.of(this).region } },
      }),
    );
  }

  /**
   * Lets the handler create, replace and delete schedules in the target's group only, each invoking the
   * target function through the target's role.
   */
  bindScheduler(target: ScheduleTarget): void {
    this.addEnvironment('SCHEDULE_GROUP_NAME', target.group.scheduleGroupName);
    this.addEnvironment('SCHEDULE_TARGET_ARN', target.targetFunction.functionArn);
    this.addEnvironment('SCHEDULE_ROLE_ARN', target.role.roleArn);
    this.addEnvironment('SCHEDULE_DLQ_ARN', target.deadLetterQueue.queueArn);
    const schedules = ScheduleGroupGrants.fromScheduleGroup(target.group);
    schedules.writeSchedules(this);
    schedules.deleteSchedules(this);
    const { region, account } = nagEnvironment(this);
    Validations.of(this.ownRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:${region}:${account}:schedule/${target.group.scheduleGroupName}/*]`,
      reason:
        "Schedules are made at run time, one per campaign (named after it): every schedule of this stage's group, and no other group.",
    });
    // Creating a schedule hands the role to EventBridge Scheduler.
    target.role.grantPassRole(this.grantPrincipal);
  }
}
