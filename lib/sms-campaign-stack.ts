import { Aws, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { HttpMethods } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { allRoutes } from '#api/routes.js';
import type { RouteDef } from '#http/route.js';
import { AlarmTopic } from './alarm-topic.js';
import { Auth } from './auth.js';
import { CampaignEvents } from './campaign-events.js';
import { CampaignScheduler } from './campaign-scheduler.js';
import { ConsoleHosting } from './console-hosting.js';
import { DataTable } from './data-table.js';
import { Dispatch } from './dispatch.js';
import { FileBucket } from './file-bucket.js';
import { FunctionAlarms } from './function-alarms.js';
import { LOG_RETENTION_CONTEXT, RETENTION_DAYS_CONTEXT } from './handler-function.js';
import { HttpApi } from './http-api.js';
import { ImportJobs } from './import-jobs.js';
import { Observability } from './dashboard.js';
import { MetricsAggregation } from './metrics-aggregation.js';
import { limitResources } from './stack-limits.js';
import { DEFAULT_LOG_RETENTION_DAYS, DEFAULT_RETENTION_DAYS, DEFAULT_STAGE } from './stage-config.js';

export interface SmsCampaignStackProps extends StackProps {
  /**
   * Public address of the service (short links, OpenAPI servers). By default the console's distribution,
   * which sends `/l/*` to the API; a shorter domain of the province's saves characters in every SMS.
   */
  readonly publicBaseUrl?: string;
  /** Cognito prefix domain of the managed login pages (the `cognitoDomainPrefix` context). */
  readonly cognitoDomainPrefix?: string;
  /** Every route of `functions/api/routes.ts` unless a test wants others. */
  readonly routes?: readonly RouteDef[];
  /** Partners with a dispatch queue of their own (the `partners` context); the others share one. */
  readonly partnerIds?: readonly string[];
  /** Names the bus, the schedule group and the Cognito domain, so stages share an account (`stage`). */
  readonly stage?: string;
  /** Mailed by the alarm topic (`alarmEmail`). */
  readonly alarmEmail?: string;
  /** The web ACL (from `EdgeProtectionStack`, us-east-1) on the console's distribution (`waf`). */
  readonly webAclArn?: string;
  /** Days per-recipient data is kept (`retentionDays`, default 180): `RETENTION_DAYS` of the writers. */
  readonly retentionDays?: number;
  /** Days logs are kept (`logRetentionDays`, default 30). */
  readonly logRetentionDays?: RetentionDays;
  /** The table's deletion protection (`deletionProtection`, default on). */
  readonly deletionProtection?: boolean;
}

export class SmsCampaignStack extends Stack {
  readonly data: DataTable;
  readonly console: ConsoleHosting;
  readonly auth: Auth;
  readonly events: CampaignEvents;
  readonly scheduler: CampaignScheduler;
  readonly dispatch: Dispatch;
  readonly api: HttpApi;
  readonly files: FileBucket;
  readonly importJobs: ImportJobs;
  readonly metrics: MetricsAggregation;
  readonly observability: Observability;
  readonly alarmTopic: AlarmTopic;
  readonly functionAlarms: FunctionAlarms;

  constructor(scope: Construct, id: string, props: SmsCampaignStackProps = {}) {
    super(scope, id, props);
    const stage = props.stage ?? DEFAULT_STAGE;
    const logRetention = props.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
    // Read by every HandlerFunction below (log group retention, RETENTION_DAYS).
    this.node.setContext(LOG_RETENTION_CONTEXT, logRetention);
    this.node.setContext(RETENTION_DAYS_CONTEXT, props.retentionDays ?? DEFAULT_RETENTION_DAYS);

    this.data = new DataTable(this, 'Data', { deletionProtection: props.deletionProtection ?? true });
    this.console = new ConsoleHosting(this, 'Console', {
      logRetentionDays: logRetention,
      ...(props.webAclArn ? { webAclArn: props.webAclArn } : {}),
    });
    // No cycle: the distribution needs the API's domain, never its functions, which read this.
    const publicBaseUrl = props.publicBaseUrl ?? this.console.url;
    this.auth = new Auth(this, 'Auth', {
      consoleUrl: this.console.url,
      // Unique in the region: one per account and stage unless the context names another.
      domainPrefix: props.cognitoDomainPrefix ?? `sms-${stage}-${Aws.ACCOUNT_ID}`,
    });
    this.events = new CampaignEvents(this, 'Events', { stage });
    this.scheduler = new CampaignScheduler(this, 'Scheduler', {
      stage,
      table: this.data.table,
      bus: this.events.bus,
      publicBaseUrl,
    });
    this.dispatch = new Dispatch(this, 'Dispatch', {
      table: this.data.table,
      bus: this.events.bus,
      publicBaseUrl,
      partnerIds: props.partnerIds ?? [],
    });
    this.files = new FileBucket(this, 'Files', {
      key: this.data.key,
      accessLogs: this.console.logBucket,
    });
    // The console PUTs a large import's file to its pre-signed URL (issue #17): from its own origin only.
    this.files.bucket.addCorsRule({
      allowedMethods: [HttpMethods.PUT],
      allowedOrigins: [this.console.url],
      allowedHeaders: ['content-type'],
      maxAge: 3600,
    });
    this.console.allowConnectionsTo(`https://*.s3.${this.region}.${this.urlSuffix}`);
    this.importJobs = new ImportJobs(this, 'Imports', { table: this.data.table, files: this.files });
    this.api = new HttpApi(this, 'Http', {
      routes: props.routes ?? allRoutes,
      userPool: this.auth.userPool,
      userPoolClient: this.auth.consoleClient,
      table: this.data.table,
      bus: this.events.bus,
      scheduleTarget: this.scheduler,
      batchTopic: this.dispatch.topic,
      files: this.files,
      importJob: this.importJobs.job,
      publicBaseUrl,
      logRetention,
    });
    this.console.serveApi(this.api.domainName);
    this.console.allowConnectionsTo(this.auth.domainUrl);
    this.console.deploy({
      // The API is on the console's own origin (`/v1/*` of the distribution).
      apiBaseUrl: '',
      signIn: 'cognito',
      shortLinkBaseUrl: publicBaseUrl,
      cognito: {
        domainUrl: this.auth.domainUrl,
        clientId: this.auth.consoleClient.userPoolClientId,
        issuer: `https://cognito-idp.${this.region}.${this.urlSuffix}/${this.auth.userPool.userPoolId}`,
        redirectUri: this.auth.callbackUrl,
        signOutUri: this.auth.signedOutUrl,
      },
    });

    this.metrics = new MetricsAggregation(this, 'Metrics', { table: this.data.table });
    this.observability = new Observability(this, 'Observability', {
      partnerIds: props.partnerIds ?? [],
      deadLetterQueues: [
        ...this.dispatch.partnerQueues.map((lane) => ({
          name: lane.node.id,
          queue: lane.deadLetterQueue,
        })),
        ...this.dispatch.partnerQueues.map((lane) => ({
          name: `${lane.node.id} undelivered`,
          queue: lane.undeliveredQueue,
        })),
        { name: 'Materialize', queue: this.dispatch.materializerDeadLetterQueue },
        { name: 'Sweep', queue: this.dispatch.sweepDeadLetterQueue },
        { name: 'StartCampaign', queue: this.scheduler.deadLetterQueue },
        { name: 'MetricsRecords', queue: this.metrics.failureQueue },
        { name: 'ImportJobs', queue: this.importJobs.deadLetterQueue },
      ],
    });

    // The API's functions answer their errors as 5xx, which Lambda does not count: the API alarms on its
    // 5xx rate instead (one alarm, not one per route: seven resources a route in the routes' nested stack).
    this.functionAlarms = new FunctionAlarms(this, 'FunctionAlarms', { of: this, except: this.api });
    // Last: every alarm made above goes to the topic.
    this.alarmTopic = new AlarmTopic(this, 'Alarms', props.alarmEmail ? { email: props.alarmEmail } : {});
    this.alarmTopic.routeAlarmsOf(this);
    limitResources(this, (props.partnerIds ?? []).length);

    new CfnOutput(this, 'ConsoleUrl', { value: this.console.url });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topic.topicArn });
    new CfnOutput(this, 'ConsoleBucketName', { value: this.console.bucket.bucketName });
    new CfnOutput(this, 'SignInDomainUrl', { value: this.auth.domainUrl });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.auth.consoleClient.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: this.events.bus.eventBusName });
    new CfnOutput(this, 'ScheduleDeadLetterQueueUrl', { value: this.scheduler.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'BatchTopicArn', { value: this.dispatch.topic.topicArn });
  }
}
