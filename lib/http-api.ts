import { Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CfnStage,
  HttpApi as ApiGatewayHttpApi,
  LogGroupLogDestination,
  type HttpStage,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteDef } from '#http/route.js';
import { ApiRoutes, type ApiRoute, type ApiRoutesProps } from './api-routes.js';

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

export interface HttpApiProps extends Omit<ApiRoutesProps, 'api'> {
  /** How long access logs are kept (context `logRetentionDays`). */
  readonly logRetention: RetentionDays;
}

/** Share of the API's requests answered 5xx, in percent, that someone should look at. */
export const API_SERVER_ERROR_PERCENT = 5;

/**
 * The HTTP API: the API, its throttled `$default` stage with access logs, its 5xx alarm, and one Lambda
 * function and one route per `RouteDef` (`ApiRoutes`, a nested stack). Stateless. No CORS: browsers
 * reach it only through the console's CloudFront distribution, on the console's own origin, so no other
 * origin's script may call it (a preflight gets no `Access-Control-Allow-Origin`).
 */
export class HttpApi extends Construct {
  readonly api: ApiGatewayHttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  /** 5xx answers (a handler's error, a Lambda timeout or throttle) above 5 % of requests. */
  readonly serverErrorsAlarm: Alarm;
  /** The routes and their functions, in a nested stack of their own. */
  readonly routes: ApiRoutes;

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

    this.routes = new ApiRoutes(this, 'Routes', { ...props, api: this.api });
    this.throttle(this.routes.routes);
  }

  get url(): string {
    return this.stage.url;
  }

  /** `{apiId}.execute-api.{region}.amazonaws.com`: where CloudFront sends the console's API calls. */
  get domainName(): string {
    return Fn.select(2, Fn.split('/', this.api.apiEndpoint));
  }

  /**
   * Per-route limits only exist on the CloudFormation stage, keyed by route key; API Gateway rejects
   * settings for a route key that does not exist yet, so the stage waits for the routes' nested stack.
   */
  private throttle(routes: readonly ApiRoute[]): void {
    const limited = routes.flatMap(({ def, routeKey }) => {
      const limits = routeThrottle(def);
      return limits ? [{ key: routeKey.key, limits }] : [];
    });
    if (limited.length === 0) return;
    const stage = this.stage.node.defaultChild;
    if (!(stage instanceof CfnStage)) throw new Error('HttpStage has no CfnStage');
    stage.routeSettings = Object.fromEntries(
      limited.map(({ key, limits }) => [
        key,
        { ThrottlingBurstLimit: limits.burstLimit, ThrottlingRateLimit: limits.rateLimit },
      ]),
    );
    this.stage.node.addDependency(this.routes);
  }
}
