import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  DELIVERY_REPORTS_METRIC,
  METRICS_NAMESPACE,
  SENT_METRIC,
  SIGNATURE_FAILURES_METRIC,
  THROTTLES_METRIC,
} from '#adapters/metrics.js';
import { SERVICE_NAME } from '#adapters/service-name.js';
import {
  AGGREGATOR_BATCH_SIZE,
  AGGREGATOR_RETRY_ATTEMPTS,
  RECOUNT_ACTIONS,
} from '#lib/metrics-aggregation.js';
import { SmsCampaignStack } from '#lib/sms-campaign-stack.js';
import {
  actionsOf,
  expectQueueAlarm,
  getAtt,
  logicalIdOf,
  resourcesOf,
  statementsOfRole,
  type Statement,
  deploymentTemplateOf,
} from './template.js';

// The wiring does not depend on the bundled code, so this synthesis skips bundling (stack.test.ts bundles).
const stack = new SmsCampaignStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Metrics', {
  partnerIds: ['viettel-hn'],
});
const template = deploymentTemplateOf(stack);
const aggregatorRole = logicalIdOf(stack.metrics.aggregator.role ?? stack.metrics.aggregator);
const tableId = logicalIdOf(stack.data.table);

describe('metrics aggregation', () => {
  it('reads the table stream from the oldest record, in bisected, retried batches with an on-failure queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(stack.metrics.aggregator) },
      EventSourceArn: getAtt(tableId, 'StreamArn'),
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: AGGREGATOR_BATCH_SIZE,
      MaximumBatchingWindowInSeconds: 5,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: AGGREGATOR_RETRY_ATTEMPTS,
      DestinationConfig: { OnFailure: { Destination: getAtt(logicalIdOf(stack.metrics.failureQueue)) } },
    });
  });

  it('is invoked only for the entities that count', () => {
    const [mapping] = Object.values(
      resourcesOf<{ Properties: { FilterCriteria: { Filters: { Pattern: string }[] } } }>(
        template,
        'AWS::Lambda::EventSourceMapping',
        { Properties: { StartingPosition: 'TRIM_HORIZON' } },
      ),
    );
    const patterns = (mapping?.Properties.FilterCriteria.Filters ?? []).map((f) => JSON.parse(f.Pattern));
    expect(patterns).toEqual([
      { dynamodb: { NewImage: { entity: { S: ['Batch', 'Progress', 'Click', 'Inbound'] } } } },
      { eventName: ['REMOVE'], dynamodb: { OldImage: { entity: { S: ['Batch'] } } } },
    ]);
  });

  it('may read and write the table and read its stream, and nothing else', () => {
    const statements: Statement[] = statementsOfRole(template, aggregatorRole);
    const actions = statements.flatMap(actionsOf);
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:GetRecords', 'dynamodb:BatchGetItem', 'dynamodb:PutItem']),
    );
    // Besides: the table's key, its own log group and X-Ray (active tracing).
    const other = actions.filter((a) => !/^(dynamodb|sqs|kms|logs|xray):/.test(a));
    expect(other).toEqual([]);
    expect(actions.filter((a) => a.startsWith('sqs:'))).toEqual(expect.arrayContaining(['sqs:SendMessage']));
  });

  it('has a recount function that may query, get and conditionally put items of the table, and nothing else', () => {
    const recounterRole = logicalIdOf(stack.metrics.recounter.role ?? stack.metrics.recounter);
    const actions = statementsOfRole(template, recounterRole).flatMap(actionsOf);
    const distinct = [...new Set(actions)].sort();
    expect(distinct.filter((action) => action.startsWith('dynamodb:'))).toEqual([...RECOUNT_ACTIONS].sort());
    // Besides: the table key to read and write items, its own log group, X-Ray.
    expect(distinct.filter((action) => !action.startsWith('dynamodb:'))).toEqual([
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:Encrypt',
      'kms:GenerateDataKey',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^recountMetrics'),
      Environment: { Variables: Match.objectLike({ TABLE_NAME: { Ref: tableId } }) },
    });
  });

  it('raises an alarm as soon as a record lands in the on-failure queue', () => {
    expectQueueAlarm(template, logicalIdOf(stack.metrics.failureQueue));
  });
});

describe('observability', () => {
  it('has a dashboard with sent, delivered and failed, delivery rate, throttles and dead letters', () => {
    const [dashboard] = Object.values(
      resourcesOf<{ Properties: { DashboardBody: unknown } }>(template, 'AWS::CloudWatch::Dashboard'),
    );
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const text of [
      'MessagesHandedOver',
      'DeliveryReports',
      'delivery rate',
      'Throttles',
      'ApproximateNumberOfMessagesVisible',
      'WebhookSignatureFailures',
    ])
      expect(body).toContain(text);
  });

  it('reads the metrics with every dimension they are emitted with (Powertools adds service)', () => {
    const [dashboard] = Object.values(
      resourcesOf<{ Properties: { DashboardBody: unknown } }>(template, 'AWS::CloudWatch::Dashboard'),
    );
    // The body is JSON inside JSON: drop the escaping to read the expressions as written.
    const body = JSON.stringify(dashboard?.Properties.DashboardBody).replaceAll('\\', '');
    const searches = [...body.matchAll(/SEARCH\('(.*?)', 'Sum'/g)].map((m) => m[1] ?? '');
    expect(searches).toHaveLength(5);
    for (const search of searches) {
      expect(search).toMatch(new RegExp(`^\\{${METRICS_NAMESPACE},service,partnerId(,status)?\\} `));
      expect(search).toContain(`service="${SERVICE_NAME}"`);
    }
    for (const name of [SENT_METRIC, THROTTLES_METRIC, DELIVERY_REPORTS_METRIC, SIGNATURE_FAILURES_METRIC])
      expect(searches.some((s) => s.includes(`MetricName="${name}"`))).toBe(true);

    // CDK sorts dimensions by name; CloudWatch needs all of them, whatever the order.
    const dimensions = (extra: { Name: string; Value: string }[] = []) =>
      [{ Name: 'service', Value: SERVICE_NAME }, { Name: 'partnerId', Value: 'viettel-hn' }, ...extra].sort(
        (a, b) => a.Name.localeCompare(b.Name),
      );
    const stat = (metricName: string, dims: { Name: string; Value: string }[]) =>
      Match.objectLike({
        MetricStat: Match.objectLike({
          Metric: { Namespace: METRICS_NAMESPACE, MetricName: metricName, Dimensions: dims },
        }),
      });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'LessThanThreshold',
      Metrics: Match.arrayWith([
        stat(DELIVERY_REPORTS_METRIC, dimensions([{ Name: 'status', Value: 'delivered' }])),
        stat(SENT_METRIC, dimensions()),
      ]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'GreaterThanThreshold',
      Metrics: [
        Match.objectLike({
          Expression: `SELECT SUM(${SIGNATURE_FAILURES_METRIC}) FROM SCHEMA("${METRICS_NAMESPACE}", partnerId, service) WHERE service = '${SERVICE_NAME}'`,
        }),
      ],
    });
  });

  it('alarms on a delivery rate drop per partner and on a spike of bad webhook signatures', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 0.8,
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF(sent0 > 0, delivered0 / sent0, 1)' })]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'GreaterThanThreshold',
      Metrics: [
        Match.objectLike({ Expression: Match.stringLikeRegexp('SUM\\(WebhookSignatureFailures\\)') }),
      ],
    });
  });
});
