import { Duration, NestedStack, Stack, Validations } from 'aws-cdk-lib';
import {
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  type IHttpApi,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { RouteDef } from '#http/route.js';
import type { FileBucket } from './file-bucket.js';
import { HandlerFunction, type ScheduleTarget } from './handler-function.js';

export interface ApiRoutesProps {
  /** The API (in the parent stack) the routes are added to. */
  readonly api: IHttpApi;
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
}

/** A route of the API and the function behind it. */
export interface ApiRoute {
  readonly def: RouteDef;
  /** `GET /v1/campaigns/{campaignId}`: what the stage's per-route settings are keyed by. */
  readonly routeKey: HttpRouteKey;
  readonly route: HttpRoute;
  readonly handler: HandlerFunction;
}

/**
 * One Lambda function and one API Gateway route per `RouteDef`, in a nested stack of their own: about
 * seven resources a route, most of the deployment, which would take a single stack past CloudFormation's
 * 500 resources (docs/aws.md, "Stack layout"). What they use (table, bus, topic, bucket, keys, user pool,
 * the API itself) stays in the parent and comes in as the nested stack's parameters.
 */
export class ApiRoutes extends NestedStack {
  readonly routes: readonly ApiRoute[];

  constructor(scope: Construct, id: string, props: ApiRoutesProps) {
    super(scope, id, { description: 'SMS campaigns: the HTTP API routes and their functions' });

    const userPoolAuthorizer = new HttpJwtAuthorizer(
      'UserPoolAuthorizer',
      `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${props.userPool.userPoolId}`,
      { jwtAudience: [props.userPoolClient.userPoolClientId] },
    );
    const noAuthorizer = new HttpNoneAuthorizer();

    this.routes = props.routes.map((def) => {
      const handler = new HandlerFunction(this, `${def.id}Function`, {
        entry: def.entry,
        description: `${def.id}: ${def.method} ${def.path}`,
        environment: { PUBLIC_BASE_URL: props.publicBaseUrl },
        ...(def.lambda?.memoryMb ? { memorySize: def.lambda.memoryMb } : {}),
        ...(def.lambda?.timeoutSeconds ? { timeout: Duration.seconds(def.lambda.timeoutSeconds) } : {}),
      });
      if (def.table !== 'none') handler.bindTable(props.table, { table: def.table, indexes: def.indexes });
      if (def.uses?.includes('events')) handler.bindEvents(props.bus);
      if (def.uses?.includes('scheduler')) handler.bindScheduler(props.scheduleTarget);
      if (def.uses?.includes('batchTopic')) handler.bindBatchTopic(props.batchTopic);
      if (def.files) handler.bindFiles(props.files, def.files);
      if (def.uses?.includes('sealSecrets')) handler.bindPartnerSecrets('seal');
      if (def.uses?.includes('openSecrets')) handler.bindPartnerSecrets('open');
      if (def.uses?.includes('importJobs')) {
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

      const routeKey = HttpRouteKey.with(def.path, HttpMethod[def.method]);
      const route = new HttpRoute(this, `${def.id}Route`, {
        httpApi: props.api,
        routeKey,
        integration: new HttpLambdaIntegration(`${def.id}Integration`, handler),
        authorizer: authorizerFor(def, userPoolAuthorizer, noAuthorizer),
      });
      if (def.auth === 'public' || def.auth === 'signature') {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            def.auth === 'signature'
              ? 'A partner webhook: partners hold no Cognito account; the handler checks the Standard Webhooks signature with the partner secret before reading the body, and the route has its own throttle.'
              : 'Public by design (health check, the OpenAPI document, short links opened by SMS recipients); it reads nothing personal and has its own throttle or the stage one.',
        });
      }
      return { def, routeKey, route, handler };
    });
  }
}

/** Role checks happen in the handler; the authorizer only proves the caller signed in. */
const authorizerFor = (
  route: RouteDef,
  userPoolAuthorizer: IHttpRouteAuthorizer,
  noAuthorizer: IHttpRouteAuthorizer,
): IHttpRouteAuthorizer =>
  route.auth === 'public' || route.auth === 'signature' ? noAuthorizer : userPoolAuthorizer;
