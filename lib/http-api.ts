import { Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CfnStage,
  HttpApi as ApiGatewayHttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  LogGroupLogDestination,
  type HttpStage,
  type IHttpRouteAuthorizer,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { RouteDef } from '#http/route.js';
import type { FileBucket } from './file-bucket.js';
import { HandlerFunction, type ScheduleTarget } from './handler-function.js';

export const STAGE_THROTTLE = { burstLimit: 200, rateLimit: 100 } as const satisfies ThrottleSettings;
/**
 * Partners' webhooks have no authorizer in front of them, so a forged request reaches a Lambda (which
 * refuses it after one read). Their own limit, above the stage's: a partner may post one delivery report
 * per request, at the rate it sends (hundreds per second), and retries what gets 429.
 */
export const SIGNATURE_ROUTE_THROTTLE = {
  burstLimit: 1000,
  rateLimit: 500,
} as const satisfies ThrottleSettings;
/**
 * Short links are opened by recipients within minutes of a blast: a province of a million phones can
 * bring thousands of clicks a minute, which the stage's limit (sized for officers and planners) would
 * turn into 429s for citizens.
 */
export const SHORT_LINK_THROTTLE = {
  burstLimit: 2000,
  rateLimit: 1000,
} as const satisfies ThrottleSettings;

/**
 * One JSON line per request. The route key (`GET /v1/subscribers/{phone}`), never the path, which would
 * carry phone numbers and short-link codes; no query string, no headers (tokens, signatures), no source
 * IP (personal data; WAF's rate rule counts per IP without logging it); the staff user's `sub`.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTimeEpoch',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  user: '$context.authorizer.claims.sub',
} as const;

/** The route's own limit when it differs from the stage's. */
export const routeThrottle = (route: Pick<RouteDef, 'auth' | 'path'>): ThrottleSettings | undefined => {
  if (route.auth === 'signature') return SIGNATURE_ROUTE_THROTTLE;
  if (route.auth === 'public' && route.path.startsWith('/l/')) return SHORT_LINK_THROTTLE;
  return undefined;
};

export interface HttpApiProps {
  readonly routes: readonly RouteDef[];
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  readonly table: ITable;
  /** For routes that use `events`. */
  readonly bus: IEventBus;
  /** For routes that use `scheduler`. */
  readonly scheduleTarget: ScheduleTarget;
  /** For routes that use `batchTopic` (they notify the dispatch queues). */
  readonly batchTopic: ITopic;
  /** For routes that use `files` (report exports, import uploads). */
  readonly files: FileBucket;
  /** For routes that use `importJobs`: the import-job Lambda they invoke (lib/import-jobs.ts). */
  readonly importJob: IFunction;
  /** Where links and the OpenAPI document point; the API's own URL would make a circular reference. */
  readonly publicBaseUrl: string;
  /** How long access logs are kept (context `logRetentionDays`). */
  readonly logRetention: RetentionDays;
}

/**
 * The HTTP API: one Lambda function and one route per `RouteDef`. Stateless. No CORS: browsers reach it
 * only through the console's CloudFront distribution, on the console's own origin, so no other origin's
 * script may call it (a preflight gets no `Access-Control-Allow-Origin`).
 */
/** Share of the API's requests answered 5xx, in percent, that someone should look at. */
export const API_SERVER_ERROR_PERCENT = 5;

export class HttpApi extends Construct {
  readonly api: ApiGatewayHttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  /** 5xx answers (a handler's error, a Lambda timeout or throttle) above 5 % of requests. */
  readonly serverErrorsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);

    this.api = new ApiGatewayHttpApi(this, 'Api', {
      // The stage that `HttpApi` would create cannot be throttled.
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: STAGE_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    const period = Duration.minutes(5);
    this.serverErrorsAlarm = new Alarm(this, 'ServerErrors', {
      alarmDescription: `The API: more than ${API_SERVER_ERROR_PERCENT}% of requests answered 5xx`,
      metric: new MathExpression({
        expression: 'IF(requests > 0, 100 * errors / requests, 0)',
        label: '5xx %',
        period,
        usingMetrics: {
          errors: this.api.metricServerError({ period, statistic: 'Sum' }),
          requests: this.api.metricCount({ period, statistic: 'SampleCount' }),
        },
      }),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      threshold: API_SERVER_ERROR_PERCENT,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    const region = Stack.of(this).region;
    const userPoolAuthorizer = new HttpJwtAuthorizer(
      'UserPoolAuthorizer',
      `https://cognito-idp.${region}.amazonaws.com/${props.userPool.userPoolId}`,
      { jwtAudience: [props.userPoolClient.userPoolClientId] },
    );
    const noAuthorizer = new HttpNoneAuthorizer();
    const throttled = new Map<string, { route: HttpRoute; limits: ThrottleSettings }>();

    for (const route of props.routes) {
      const handler = new HandlerFunction(this, `${route.id}Function`, {
        entry: route.entry,
        description: `${route.id}: ${route.method} ${route.path}`,
        environment: { PUBLIC_BASE_URL: props.publicBaseUrl },
        ...(route.lambda?.memoryMb ? { memorySize: route.lambda.memoryMb } : {}),
        ...(route.lambda?.timeoutSeconds ? { timeout: Duration.seconds(route.lambda.timeoutSeconds) } : {}),
      });
      if (route.table !== 'none') handler.bindTable(props.table, route.table);
      if (route.uses?.includes('events')) handler.bindEvents(props.bus);
      if (route.uses?.includes('scheduler')) handler.bindScheduler(props.scheduleTarget);
      if (route.uses?.includes('batchTopic')) handler.bindBatchTopic(props.batchTopic);
      if (route.files) handler.bindFiles(props.files, route.files);
      if (route.uses?.includes('sealSecrets')) handler.bindPartnerSecrets('seal');
      if (route.uses?.includes('openSecrets')) handler.bindPartnerSecrets('open');
      if (route.uses?.includes('importJobs')) {
        // Invoking this one function, unqualified (no version or alias), and no other.
        handler.addEnvironment('IMPORT_JOB_FUNCTION', props.importJob.functionName);
        handler.addToRolePolicy(
          new PolicyStatement({
            sid: 'InvokeImportJob',
            actions: ['lambda:InvokeFunction'],
            resources: [props.importJob.functionArn],
          }),
        );
      }

      const routeKey = HttpRouteKey.with(route.path, HttpMethod[route.method]);
      const httpRoute = new HttpRoute(this, `${route.id}Route`, {
        httpApi: this.api,
        routeKey,
        integration: new HttpLambdaIntegration(`${route.id}Integration`, handler),
        authorizer: this.authorizerFor(route, userPoolAuthorizer, noAuthorizer),
      });
      if (route.auth === 'public' || route.auth === 'signature') {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            route.auth === 'signature'
              ? 'A partner webhook: partners hold no Cognito account; the handler checks the Standard Webhooks signature with the partner secret before reading the body, and the route has its own throttle.'
              : 'Public by design (health check, the OpenAPI document, short links opened by SMS recipients); it reads nothing personal and has its own throttle or the stage one.',
        });
      }
      const limits = routeThrottle(route);
      if (limits) throttled.set(routeKey.key, { route: httpRoute, limits });
    }
    this.throttle(throttled);
  }

  get url(): string {
    return this.stage.url;
  }

  /** `{apiId}.execute-api.{region}.amazonaws.com`: where CloudFront sends the console's API calls. */
  get domainName(): string {
    return Fn.select(2, Fn.split('/', this.api.apiEndpoint));
  }

  /** Role checks happen in the handler; the authorizer only proves the caller signed in. */
  private authorizerFor(
    route: RouteDef,
    userPoolAuthorizer: IHttpRouteAuthorizer,
    noAuthorizer: IHttpRouteAuthorizer,
  ): IHttpRouteAuthorizer {
    return route.auth === 'public' || route.auth === 'signature' ? noAuthorizer : userPoolAuthorizer;
  }

  /** Per-route limits only exist on the CloudFormation stage, keyed by route key. */
  private throttle(routesByKey: ReadonlyMap<string, { route: HttpRoute; limits: ThrottleSettings }>): void {
    if (routesByKey.size === 0) return;
    const stage = this.stage.node.defaultChild;
    if (!(stage instanceof CfnStage)) throw new Error('HttpStage has no CfnStage');
    stage.routeSettings = Object.fromEntries(
      [...routesByKey].map(([key, { limits }]) => [
        key,
        { ThrottlingBurstLimit: limits.burstLimit, ThrottlingRateLimit: limits.rateLimit },
      ]),
    );
    // API Gateway rejects settings for a route key that does not exist yet.
    for (const { route } of routesByKey.values()) this.stage.node.addDependency(route);
  }
}
