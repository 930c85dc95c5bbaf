import { CfnElement, NestedStack, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
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

interface TemplateJson {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  Outputs?: Record<string, { Value: unknown }>;
  [section: string]: unknown;
}

/**
 * `value` with every one-key object (`{ Ref: … }`, `{ "Fn::GetAtt": … }`) that `lookup` knows, by its
 * JSON, replaced by what it answers, however deeply nested.
 */
const substituted = (value: unknown, lookup: (json: string) => unknown): unknown => {
  if (Array.isArray(value)) return value.map((item) => substituted(item, lookup));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1) {
    const replaced = lookup(JSON.stringify(record));
    if (replaced !== undefined) return replaced;
  }
  return Object.fromEntries(keys.map((key) => [key, substituted(record[key], lookup)]));
};

/** The template of `stack` with the resources of the stacks nested in it (see `deploymentTemplateOf`). */
const mergedJsonOf = (stack: Stack): TemplateJson => {
  const own = Template.fromStack(stack).toJSON() as TemplateJson;
  const nestedStacks = stack.node
    .findAll()
    .filter((construct): construct is NestedStack => NestedStack.isNestedStack(construct))
    .filter((nested) => nested.nestedStackParent === stack);
  const resources = { ...own.Resources };
  const outputsByGetAtt = new Map<string, unknown>();
  for (const nested of nestedStacks) {
    const resource = nested.nestedStackResource;
    if (!resource) throw new Error(`${nested.node.path} has no stack resource in its parent`);
    const resourceId = stack.getLogicalId(resource);
    const passed = (own.Resources[resourceId]?.Properties?.Parameters ?? {}) as Record<string, unknown>;
    const inner = mergedJsonOf(nested);
    const parameters = new Map(
      Object.keys((inner.Parameters ?? {}) as Record<string, unknown>).map((name) => {
        if (!(name in passed)) throw new Error(`${nested.node.path}: the parent passes no ${name}`);
        return [JSON.stringify({ Ref: name }), passed[name]];
      }),
    );
    const fromParent = (ref: string) => parameters.get(ref);
    for (const [id, nestedResource] of Object.entries(inner.Resources)) {
      if (id in resources) throw new Error(`${id} is in ${stack.node.path} and ${nested.node.path}`);
      resources[id] = substituted(nestedResource, fromParent) as TemplateJson['Resources'][string];
    }
    for (const [name, output] of Object.entries(inner.Outputs ?? {}))
      outputsByGetAtt.set(
        JSON.stringify({ 'Fn::GetAtt': [resourceId, `Outputs.${name}`] }),
        substituted(output.Value, fromParent),
      );
  }
  const fromNested = (getAtt: string) => outputsByGetAtt.get(getAtt);
  return {
    ...own,
    Resources: substituted(resources, fromNested) as TemplateJson['Resources'],
    ...(own.Outputs ? { Outputs: substituted(own.Outputs, fromNested) as TemplateJson['Outputs'] } : {}),
  };
};

/**
 * What one deployment of `stack` creates, as one template: its resources and those of every stack nested
 * in it (`Template.fromStack` of each), a nested stack's parameters replaced by the values its parent
 * passes in, a parent's use of a nested stack's output by the output's value. So an assertion on a
 * resource, a grant or a reference holds whichever stack the resource is in, and checks the wiring
 * across stacks too. The nested stacks' own resources (`AWS::CloudFormation::Stack`) stay in.
 */
export const deploymentTemplateOf = (stack: Stack): Template => Template.fromJSON(mergedJsonOf(stack));

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
