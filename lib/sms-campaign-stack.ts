import { Aws, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { allRoutes } from '#api/routes.js';
import type { RouteDef } from '#http/route.js';
import { Auth } from './auth.js';
import { CampaignEvents } from './campaign-events.js';
import { CampaignScheduler } from './campaign-scheduler.js';
import { ConsoleHosting } from './console-hosting.js';
import { DataTable } from './data-table.js';
import { Dispatch } from './dispatch.js';
import { HttpApi } from './http-api.js';
import { Observability } from './dashboard.js';
import { MetricsAggregation } from './metrics-aggregation.js';

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
}

export class SmsCampaignStack extends Stack {
  readonly data: DataTable;
  readonly console: ConsoleHosting;
  readonly auth: Auth;
  readonly events: CampaignEvents;
  readonly scheduler: CampaignScheduler;
  readonly dispatch: Dispatch;
  readonly api: HttpApi;
  readonly metrics: MetricsAggregation;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: SmsCampaignStackProps = {}) {
    super(scope, id, props);
    this.data = new DataTable(this, 'Data');
    this.console = new ConsoleHosting(this, 'Console');
    // No cycle: the distribution needs the API's domain, never its functions, which read this.
    const publicBaseUrl = props.publicBaseUrl ?? this.console.url;
    this.auth = new Auth(this, 'Auth', {
      consoleUrl: this.console.url,
      // Unique in the region: one per account unless the context names another.
      domainPrefix: props.cognitoDomainPrefix ?? `sms-console-${Aws.ACCOUNT_ID}`,
    });
    this.events = new CampaignEvents(this, 'Events');
    this.scheduler = new CampaignScheduler(this, 'Scheduler', {
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
    this.api = new HttpApi(this, 'Http', {
      routes: props.routes ?? allRoutes,
      userPool: this.auth.userPool,
      userPoolClient: this.auth.consoleClient,
      table: this.data.table,
      bus: this.events.bus,
      scheduleTarget: this.scheduler,
      batchTopic: this.dispatch.topic,
      publicBaseUrl,
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
        { name: 'Materialize', queue: this.dispatch.materializerDeadLetterQueue },
        { name: 'StartCampaign', queue: this.scheduler.deadLetterQueue },
        { name: 'MetricsRecords', queue: this.metrics.failureQueue },
      ],
    });

    new CfnOutput(this, 'ConsoleUrl', { value: this.console.url });
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
