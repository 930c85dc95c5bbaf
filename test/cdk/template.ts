import { CfnElement, Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import type { RouteDef } from '#http/route.js';

/** The shapes of the synthesized resources that the CDK tests read. */
export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  /** Only the SMS grant uses it (`HandlerFunction.grantSmsPublish`). */
  NotResource?: unknown;
  Sid?: string;
  Principal?: unknown;
  Condition?: unknown;
}
export interface LambdaFunction {
  Properties: {
    Role: { 'Fn::GetAtt': [string, string] };
    Environment: { Variables: Record<string, unknown> };
    LoggingConfig: { LogGroup: { Ref: string } };
    DeadLetterConfig?: { TargetArn: unknown };
    Description?: string;
    MemorySize?: number;
    Timeout?: number;
  };
}
export interface IamPolicy {
  Properties: { PolicyDocument: { Statement: Statement[] }; Roles: { Ref: string }[] };
}
export interface IamRole {
  Properties: { AssumeRolePolicyDocument: { Statement: Statement[] } };
}

export const resourcesOf = <T>(template: Template, type: string, props?: object): Record<string, T> =>
  template.findResources(type, props) as Record<string, T>;

export const actionsOf = (statement: Statement): string[] => [statement.Action].flat();
export const resourceListOf = (statement: Statement): unknown[] => [statement.Resource].flat();

/**
 * The table indexes a statement's resources name, `<table ARN>/index/<name>` however CloudFormation joins
 * it (`*` for `index/*`).
 */
export const indexesOf = (statement: Statement): string[] =>
  [...JSON.stringify(resourceListOf(statement)).matchAll(/\/index\/([^"]*)/g)].map(([, name]) => name ?? '');

/** The logical ID of the CloudFormation resource behind an L2 construct. */
export const logicalIdOf = (construct: IConstruct): string => {
  const resource = construct.node.defaultChild;
  if (!(resource instanceof CfnElement))
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(construct).getLogicalId(resource);
};

/** The logical IDs a template value points at with `Ref` or `Fn::GetAtt`, however deeply nested. */
export const referencedIds = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.flatMap(referencedIds);
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string') return [record.Ref];
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return [getAtt[0]];
  return Object.values(record).flatMap(referencedIds);
};

export const getAtt = (logicalId: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [logicalId, attribute] });

/** The function of a route, found by its description (`<route id>: METHOD /path`). */
export const functionOf = (template: Template, route: RouteDef): LambdaFunction => {
  const found = Object.values(
    resourcesOf<LambdaFunction>(template, 'AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp(`^${route.id}:`) },
    }),
  );
  const [lambda, ...others] = found;
  if (!lambda || others.length > 0)
    throw new Error(`expected one function for ${route.id}, found ${found.length}`);
  return lambda;
};

/** Every statement of every policy attached to a role. */
export const statementsOfRole = (template: Template, roleLogicalId: string): Statement[] =>
  Object.values(resourcesOf<IamPolicy>(template, 'AWS::IAM::Policy'))
    .filter((policy) => policy.Properties.Roles.some((role) => role.Ref === roleLogicalId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);

export const statementsOfFunction = (template: Template, lambda: LambdaFunction): Statement[] =>
  statementsOfRole(template, lambda.Properties.Role['Fn::GetAtt'][0]);

/** An alarm that goes off as soon as `metricName` of the one resource `dimension` names is above 0. */
export const expectAlarmAboveZero = (
  template: Template,
  namespace: string,
  metricName: string,
  dimension: { Name: string; Value: unknown },
) =>
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    Namespace: namespace,
    MetricName: metricName,
    Dimensions: [dimension],
    ComparisonOperator: 'GreaterThanThreshold',
    Threshold: 0,
  });

/** The alarm on a queue that should stay empty (a dead-letter or on-failure queue). */
export const expectQueueAlarm = (template: Template, queueId: string) =>
  expectAlarmAboveZero(template, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', {
    Name: 'QueueName',
    Value: getAtt(queueId, 'QueueName'),
  });

/** The alarm on a function's errors. */
export const expectErrorsAlarm = (template: Template, functionId: string) =>
  expectAlarmAboveZero(template, 'AWS/Lambda', 'Errors', {
    Name: 'FunctionName',
    Value: { Ref: functionId },
  });

/** A resource policy's statement that refuses `action` to any request not over TLS. */
export const denyWithoutTls = (action: string) =>
  Match.objectLike({
    Effect: 'Deny',
    Action: action,
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  });
