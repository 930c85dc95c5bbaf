import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { EVENT_SOURCE } from '#adapters/events.js';
import { allRoutes } from '#api/routes.js';
import { CampaignEvents } from '#lib/campaign-events.js';
import { DataTable } from '#lib/data-table.js';
import {
  CAMPAIGN_STARTED,
  Dispatch,
  MATERIALIZE_DELIVERY_RETRIES,
  MATERIALIZE_MAX_EVENT_AGE,
  MATERIALIZE_MEMORY_MB,
  MATERIALIZE_TIMEOUT,
  SWEEP_DEAD_LETTERS_THRESHOLD,
  partnerIdsFromContext,
} from '#lib/dispatch.js';
import {
  CONSUMER_MAX_CONCURRENCY,
  CONSUMER_TIMEOUT,
  MAX_RECEIVE_COUNT,
  WEBHOOK_TIMEOUT_MS,
  type PartnerQueue,
} from '#lib/partner-queue.js';
import { DEAD_LETTER_RETENTION } from '#lib/queues.js';
import { partnerSecretsKeyOf } from '#lib/partner-secrets-key.js';
import { SmsCampaignStack } from '#lib/sms-campaign-stack.js';
import {
  actionsOf,
  functionOf as functionOfRoute,
  getAtt,
  logicalIdOf,
  referencedIds,
  resourceListOf,
  resourcesOf,
  statementsOfFunction,
  type IamPolicy,
  type LambdaFunction,
  type Statement,
  denyWithoutTls,
  expectAlarmAboveZero,
  expectErrorsAlarm,
  expectQueueAlarm,
  deploymentTemplateOf,
} from './template.js';

const PARTNERS = ['viettel-hn', 'vnpt-hn'];

// Permissions and wiring do not depend on the bundled code, so this synthesis skips bundling. The partner
// ids come through the `partners` context exactly as `-c partners=viettel-hn,vnpt-hn` brings them.
const app = new App({ context: { 'aws:cdk:bundling-stacks': [], partners: PARTNERS.join(',') } });
const stack = new SmsCampaignStack(app, 'Dispatch', {
  partnerIds: partnerIdsFromContext(app.node.tryGetContext('partners')),
});
const template = deploymentTemplateOf(stack);
const { dispatch } = stack;

const topicId = logicalIdOf(dispatch.topic);
const tableId = logicalIdOf(stack.data.table);
/** The table's customer-managed key: whoever uses the table uses it. */
const tableKeyId = logicalIdOf(stack.data.key);
/** Each hand-over is signed with the partner's secret, opened (KMS Decrypt) from its sealed form. */
const partnerSecretsKeyId = logicalIdOf(partnerSecretsKeyOf(stack));
const busId = logicalIdOf(stack.events.bus);
const materializerId = logicalIdOf(dispatch.materializer);
const materializerDlqId = logicalIdOf(dispatch.materializerDeadLetterQueue);
const sweepId = logicalIdOf(dispatch.sweep);
const ownQueues = dispatch.partnerQueues.filter((queue) => queue !== dispatch.defaultQueue);

const lambdaOf = (fn: IFunction): LambdaFunction => {
  const lambda = resourcesOf<LambdaFunction>(template, 'AWS::Lambda::Function')[logicalIdOf(fn)];
  if (!lambda) throw new Error(`no function ${fn.node.path}`);
  return lambda;
};
const statementsOf = (fn: IFunction): Statement[] => statementsOfFunction(template, lambdaOf(fn));
/** Every function may write its own log group (and nothing else of CloudWatch Logs). */
const logGroupOf = (fn: IFunction): string => lambdaOf(fn).Properties.LoggingConfig.LogGroup.Ref;
const withActions = (statements: Statement[], matches: (action: string) => boolean) =>
  statements.filter((statement) => actionsOf(statement).some(matches));
const isSns = (action: string) => action.startsWith('sns:');
/** Every resource the statements name, by logical ID (the SMS grant names none: it has `NotResource`). */
const touched = (statements: Statement[]) => new Set(statements.flatMap((s) => referencedIds(s.Resource)));
/** What every function that sends touches: the table, its key, and the batch topic. */
const SENDING_RESOURCES = [tableId, tableKeyId, topicId];
const allStatements = (): Statement[] =>
  Object.values(resourcesOf<IamPolicy>(template, 'AWS::IAM::Policy')).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement,
  );

const TABLE_RW = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
const SMS_GRANT: Statement = {
  Sid: 'SmsToPhoneNumbersOnly',
  Effect: 'Allow',
  Action: 'sns:Publish',
  NotResource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:*:*:*']] },
  Condition: { StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } },
};
const TOPIC_PUBLISH: Statement = { Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: topicId } };

const alarmOnQueue = (queueId: string) => expectQueueAlarm(template, queueId);

describe('the partners context', () => {
  it('is a comma-separated list of partner ids, or nothing', () => {
    expect(partnerIdsFromContext(undefined)).toEqual([]);
    expect(partnerIdsFromContext('')).toEqual([]);
    expect(partnerIdsFromContext('viettel-hn, vnpt-hn')).toEqual(['viettel-hn', 'vnpt-hn']);
    expect(partnerIdsFromContext(['mobifone-hcm'])).toEqual(['mobifone-hcm']);
  });

  it('refuses what cannot be a partner id, and a partner listed twice', () => {
    expect(() => partnerIdsFromContext('Viettel HN')).toThrow(/not a partner id/);
    expect(() => partnerIdsFromContext('viettel-hn,viettel-hn')).toThrow(/twice/);
    expect(() => partnerIdsFromContext(42)).toThrow(/partner ids/);
  });
});

describe('the batch topic', () => {
  it('accepts notices over TLS only', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: { Statement: Match.arrayWith([denyWithoutTls('sns:Publish')]) },
    });
  });

  it('is a stack output', () => {
    template.hasOutput('BatchTopicArn', { Value: { Ref: topicId } });
  });

  it('raises an alarm when SNS fails to deliver a notice', () => {
    expectAlarmAboveZero(template, 'AWS/SNS', 'NumberOfNotificationsFailed', {
      Name: 'TopicName',
      Value: getAtt(topicId, 'TopicName'),
    });
  });
});

describe('partner queues', () => {
  it('are one per listed partner plus the default, each with its own dead-letter queue', () => {
    expect(dispatch.partnerQueues).toHaveLength(PARTNERS.length + 1);
    const ids = dispatch.partnerQueues.flatMap((q) => [logicalIdOf(q.queue), logicalIdOf(q.deadLetterQueue)]);
    expect(new Set(ids).size).toBe(2 * (PARTNERS.length + 1));
    // Besides them: each lane's undelivered-notices queue (the subscription's), the dead-letter queues of
    // the start-campaign schedules, the materialiser and the sweep, the metrics aggregator's on-failure
    // queue, the import jobs' dead-letter queue and the alarm topic's undelivered queue.
    template.resourceCountIs('AWS::SQS::Queue', ids.length + dispatch.partnerQueues.length + 6);
  });

  const filters: [string, PartnerQueue, unknown][] = [
    ...ownQueues.map((queue, i): [string, PartnerQueue, unknown] => [
      `partner ${PARTNERS[i]}`,
      queue,
      { partnerId: [PARTNERS[i]] },
    ]),
    ['the other partners', dispatch.defaultQueue, { partnerId: [{ 'anything-but': PARTNERS }] }],
  ];
  for (const [who, lane, filterPolicy] of filters) {
    it(`subscribe ${who} to the topic, raw, filtered on the partnerId attribute`, () => {
      template.hasResourceProperties('AWS::SNS::Subscription', {
        TopicArn: { Ref: topicId },
        Protocol: 'sqs',
        Endpoint: getAtt(logicalIdOf(lane.queue)),
        RawMessageDelivery: true,
        FilterPolicy: filterPolicy,
      });
    });
  }

  for (const lane of dispatch.partnerQueues) {
    const queueId = logicalIdOf(lane.queue);
    const dlqId = logicalIdOf(lane.deadLetterQueue);

    it(`${queueId} parks a notice in its own dead-letter queue after ${MAX_RECEIVE_COUNT} receives`, () => {
      template.hasResource('AWS::SQS::Queue', {
        Properties: Match.objectLike({
          RedrivePolicy: { deadLetterTargetArn: getAtt(dlqId), maxReceiveCount: MAX_RECEIVE_COUNT },
        }),
      });
      expect(resourcesOf(template, 'AWS::SQS::Queue')[dlqId]).toMatchObject({
        Properties: { MessageRetentionPeriod: DEAD_LETTER_RETENTION.toSeconds() },
      });
    });

    it(`${queueId} hides a received notice for at least six consumer timeouts`, () => {
      const queue = resourcesOf<{ Properties: { VisibilityTimeout: number } }>(template, 'AWS::SQS::Queue')[
        queueId
      ];
      expect(queue?.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * CONSUMER_TIMEOUT.toSeconds());
    });

    it(`${queueId} is drained by its consumer, which reports failed notices one by one`, () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: getAtt(queueId),
        FunctionName: { Ref: logicalIdOf(lane.consumer) },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: CONSUMER_MAX_CONCURRENCY },
      });
    });
  }

  it('have exactly one event source each', () => {
    // Plus the one other mapping: the table's stream into the metrics aggregator.
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', dispatch.partnerQueues.length + 1);
  });
});

describe('every queue of the stack', () => {
  const queueIds = Object.keys(resourcesOf(template, 'AWS::SQS::Queue'));

  it('is encrypted at rest by SQS', () => {
    template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  });

  for (const queueId of queueIds) {
    it(`${queueId} refuses requests that are not over TLS`, () => {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: { Statement: Match.arrayWith([denyWithoutTls('sqs:*')]) },
      });
    });
  }
});

describe('the consumers', () => {
  for (const lane of dispatch.partnerQueues) {
    const consumer = lane.consumer;
    const name = logicalIdOf(consumer);

    it(`${name} has a minute, the webhook timeout and everything it needs to find`, () => {
      const lambda = lambdaOf(consumer);
      expect(lambda.Properties.Timeout).toBe(CONSUMER_TIMEOUT.toSeconds());
      expect(lambda.Properties.Environment.Variables).toMatchObject({
        TABLE_NAME: { Ref: tableId },
        BATCH_TOPIC_ARN: { Ref: topicId },
        EVENT_BUS_NAME: { Ref: busId },
        PUBLIC_BASE_URL: stack.resolve(stack.console.url),
        WEBHOOK_TIMEOUT_MS: String(WEBHOOK_TIMEOUT_MS),
      });
    });

    it(`${name} may publish to the batch topic and SMS to phone numbers, and nothing else of SNS`, () => {
      const sns = withActions(statementsOf(consumer), isSns);
      expect(sns).toHaveLength(2);
      expect(sns).toEqual(expect.arrayContaining([TOPIC_PUBLISH, SMS_GRANT]));
    });

    it(`${name} reads and writes the table and completes campaigns on the bus`, () => {
      const statements = statementsOf(consumer);
      expect(statements.flatMap(actionsOf)).toEqual(
        expect.arrayContaining([...TABLE_RW, 'events:PutEvents']),
      );
      expect(withActions(statements, (a) => a === 'events:PutEvents').flatMap(resourceListOf)).toEqual([
        getAtt(busId),
      ]);
    });

    it(`${name} touches the table, the topic, the bus, its own queue and the secrets key, nothing else`, () => {
      const statements = statementsOf(consumer);
      expect(touched(statements)).toEqual(
        new Set([
          ...SENDING_RESOURCES,
          busId,
          logicalIdOf(lane.queue),
          logGroupOf(consumer),
          partnerSecretsKeyId,
        ]),
      );
      expect(
        withActions(statements, (a) => a.startsWith('kms:'))
          .filter((s) => referencedIds(s.Resource).includes(partnerSecretsKeyId))
          .flatMap(actionsOf),
      ).toEqual(['kms:Decrypt']);
      // Only X-Ray's tracing actions, which take no resource, are on `*`.
      const nonTracing = statements.filter(
        (s) => !actionsOf(s).every((action) => action.startsWith('xray:')),
      );
      expect(nonTracing.flatMap(resourceListOf)).not.toContain('*');
      expect(
        withActions(statements, (a) => a.startsWith('scheduler:') || a.startsWith('iam:') || a === 'sqs:*'),
      ).toEqual([]);
      expect(lambdaOf(consumer).Properties.Environment.Variables).not.toHaveProperty('SCHEDULE_GROUP_NAME');
    });
  }
});

describe('the materialiser', () => {
  it(`runs on ${CAMPAIGN_STARTED} from the campaign bus, with retries and a dead-letter queue`, () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: busId },
      EventPattern: { source: [EVENT_SOURCE], 'detail-type': [CAMPAIGN_STARTED] },
      Targets: [
        Match.objectLike({
          Arn: getAtt(materializerId),
          DeadLetterConfig: { Arn: getAtt(materializerDlqId) },
          RetryPolicy: {
            MaximumRetryAttempts: MATERIALIZE_DELIVERY_RETRIES,
            MaximumEventAgeInSeconds: MATERIALIZE_MAX_EVENT_AGE.toSeconds(),
          },
        }),
      ],
    });
  });

  it('lets only that rule put events in its dead-letter queue', () => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: materializerDlqId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': getAtt(logicalIdOf(dispatch.campaignStartedRule)) } },
          }),
        ]),
      },
    });
  });

  it('has a full vCPU and five minutes, and its failed runs go to the same dead-letter queue', () => {
    const lambda = lambdaOf(dispatch.materializer);
    expect(lambda.Properties.MemorySize).toBe(MATERIALIZE_MEMORY_MB);
    expect(lambda.Properties.Timeout).toBe(MATERIALIZE_TIMEOUT.toSeconds());
    expect(lambda.Properties.DeadLetterConfig).toEqual({ TargetArn: getAtt(materializerDlqId) });
    expect(lambda.Properties.Environment.Variables).toMatchObject({
      TABLE_NAME: { Ref: tableId },
      BATCH_TOPIC_ARN: { Ref: topicId },
    });
  });

  it('reads and writes the table and publishes to the topic only', () => {
    const statements = statementsOf(dispatch.materializer);
    expect(statements.flatMap(actionsOf)).toEqual(expect.arrayContaining(TABLE_RW));
    expect(withActions(statements, isSns)).toEqual([TOPIC_PUBLISH]);
    expect(touched(statements)).toEqual(
      new Set([...SENDING_RESOURCES, materializerDlqId, logGroupOf(dispatch.materializer)]),
    );
  });

  it('publishes no events and schedules nothing', () => {
    const statements = statementsOf(dispatch.materializer);
    expect(withActions(statements, (a) => a.startsWith('events:') || a.startsWith('scheduler:'))).toEqual([]);
    expect(lambdaOf(dispatch.materializer).Properties.Environment.Variables).not.toHaveProperty(
      'EVENT_BUS_NAME',
    );
  });
});

describe('the sweep', () => {
  it('runs every minute, without retries (the next run is the retry)', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: getAtt(sweepId), RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: sweepId },
      MaximumRetryAttempts: 0,
    });
  });

  it('reads and writes the table, publishes to the topic and to the bus, nothing else', () => {
    const statements = statementsOf(dispatch.sweep);
    expect(statements.flatMap(actionsOf)).toEqual(expect.arrayContaining([...TABLE_RW, 'events:PutEvents']));
    expect(withActions(statements, isSns)).toEqual([TOPIC_PUBLISH]);
    expect(touched(statements)).toEqual(
      new Set([
        ...SENDING_RESOURCES,
        busId,
        logicalIdOf(dispatch.sweepDeadLetterQueue),
        logGroupOf(dispatch.sweep),
      ]),
    );
    expect(lambdaOf(dispatch.sweep).Properties.Environment.Variables).toMatchObject({
      TABLE_NAME: { Ref: tableId },
      BATCH_TOPIC_ARN: { Ref: topicId },
      EVENT_BUS_NAME: { Ref: busId },
    });
  });
});

describe('SNS permissions across the stack', () => {
  const batchTopicRoutes = allRoutes.filter((route) => route.uses?.includes('batchTopic'));
  const otherRoutes = allRoutes.filter((route) => !route.uses?.includes('batchTopic'));

  for (const route of batchTopicRoutes) {
    it(`${route.id} may publish to the batch topic, and only to it`, () => {
      const lambda = functionOfRoute(template, route);
      expect(withActions(statementsOfFunction(template, lambda), isSns)).toEqual([TOPIC_PUBLISH]);
      expect(lambda.Properties.Environment.Variables.BATCH_TOPIC_ARN).toEqual({ Ref: topicId });
    });
  }

  for (const route of otherRoutes) {
    it(`${route.id} cannot publish to SNS`, () => {
      const lambda = functionOfRoute(template, route);
      expect(withActions(statementsOfFunction(template, lambda), isSns)).toEqual([]);
      expect(lambda.Properties.Environment.Variables).not.toHaveProperty('BATCH_TOPIC_ARN');
    });
  }

  it('never allows SNS on every resource, and SMS to phone numbers to the consumers alone', () => {
    const sns = withActions(allStatements(), isSns);
    for (const statement of sns) expect(resourceListOf(statement)).not.toContain('*');
    const smsRoles = Object.values(resourcesOf<IamPolicy>(template, 'AWS::IAM::Policy'))
      .filter((policy) => policy.Properties.PolicyDocument.Statement.some((s) => s.NotResource !== undefined))
      .flatMap((policy) => policy.Properties.Roles.map((role) => role.Ref));
    const consumerRoles = dispatch.partnerQueues.map(
      (lane) => lambdaOf(lane.consumer).Properties.Role['Fn::GetAtt'][0],
    );
    expect(smsRoles.sort()).toEqual(consumerRoles.sort());
    for (const statement of allStatements().filter((s) => s.NotResource !== undefined)) {
      expect(statement).toEqual(SMS_GRANT);
    }
  });
});

describe('dispatch alarms', () => {
  /** Queues that something sends its failures to: a redrive policy, a Lambda or an EventBridge target. */
  const deadLetterQueueIds = (): Set<string> => {
    const queues = resourcesOf<{ Properties: { RedrivePolicy?: { deadLetterTargetArn: unknown } } }>(
      template,
      'AWS::SQS::Queue',
    );
    const functions = resourcesOf<LambdaFunction>(template, 'AWS::Lambda::Function');
    const rules = resourcesOf<{ Properties: { Targets?: { DeadLetterConfig?: { Arn: unknown } }[] } }>(
      template,
      'AWS::Events::Rule',
    );
    return new Set([
      ...Object.values(queues).flatMap((q) => referencedIds(q.Properties.RedrivePolicy?.deadLetterTargetArn)),
      ...Object.values(functions).flatMap((f) => referencedIds(f.Properties.DeadLetterConfig?.TargetArn)),
      ...Object.values(rules).flatMap((r) =>
        referencedIds(r.Properties.Targets?.map((t) => t.DeadLetterConfig)),
      ),
    ]);
  };

  it('watch every dead-letter queue of the stack', () => {
    const ids = deadLetterQueueIds();
    // One per partner queue, the materialiser's, the sweep's, the start-campaign schedules' and the
    // import jobs'.
    expect(ids.size).toBe(dispatch.partnerQueues.length + 4);
    // The sweep's: only after several failed runs (the next run redoes a failed one).
    const sweepDlqId = logicalIdOf(dispatch.sweepDeadLetterQueue);
    for (const id of ids) if (id !== sweepDlqId) alarmOnQueue(id);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: getAtt(sweepDlqId, 'QueueName') }],
      Threshold: SWEEP_DEAD_LETTERS_THRESHOLD,
    });
  });

  for (const fn of dispatch.functions) {
    it(`go off when ${logicalIdOf(fn)} fails`, () => {
      expectErrorsAlarm(template, logicalIdOf(fn));
    });
  }
});

describe('without the partners context', () => {
  // Only the dispatch construct, on a bare stack: nothing to bundle, little to synthesize.
  const bare = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'NoPartners');
  const events = new CampaignEvents(bare, 'Events', { stage: 'dev' });
  new Dispatch(bare, 'Dispatch', {
    table: new DataTable(bare, 'Data').table,
    bus: events.bus,
    publicBaseUrl: 'https://sms.example.gov.vn',
    partnerIds: [],
  });
  const bareTemplate = Template.fromStack(bare);

  it('sends every notice to the one default queue, unfiltered', () => {
    bareTemplate.resourceCountIs('AWS::SNS::Subscription', 1);
    bareTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      RawMessageDelivery: true,
      FilterPolicy: Match.absent(),
    });
    bareTemplate.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
  });
});
