import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Aws, Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, type IFunction } from 'aws-cdk-lib/aws-lambda';
import {
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
import type { RouteDef } from '#http/route.js';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export type TableAccess = Exclude<RouteDef['table'], 'none'>;

/** Where a handler's one-time schedules live and what they do when they fire (see `CampaignScheduler`). */
/** How every handler is bundled (esbuild through `NodejsFunction`); the bundle benchmark builds the same. */
export const BUNDLING = {
  // Synth must work offline and on machines without Docker.
  forceDockerBundling: false,
  format: OutputFormat.ESM,
  target: 'node22',
  mainFields: ['module', 'main'],
  sourceMap: true,
  minify: true,
  // Bundled CommonJS dependencies call `require`, which an ES module does not have.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
} satisfies BundlingOptions;

/** What `NodejsFunction` leaves out of the bundle by default on Node.js 18 and later: the runtime has it. */
export const RUNTIME_PROVIDED_MODULES = ['@aws-sdk/*'];

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
  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id, {
      entry: join(REPO_ROOT, props.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      description: props.description,
      deadLetterQueue: props.deadLetterQueue,
      logGroup: new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH }),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        ...props.environment,
      },
      bundling: BUNDLING,
    });
  }

  /** Tells the handler which table to use and grants exactly the access its route declares. */
  bindTable(table: ITable, access: TableAccess): void {
    this.addEnvironment('TABLE_NAME', table.tableName);
    if (access === 'write') table.grantReadWriteData(this);
    else table.grantReadData(this);
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
    // Creating a schedule hands the role to EventBridge Scheduler.
    target.role.grantPassRole(this.grantPrincipal);
  }
}
