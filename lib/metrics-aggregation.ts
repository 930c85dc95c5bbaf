import { Duration } from 'aws-cdk-lib';
import { Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_ENTITIES } from '#adapters/metric-changes.js';
import { alarmOnDeadLetters, alarmOnErrors } from './alarms.js';
import { HandlerFunction } from './handler-function.js';
import { FUNCTION_TABLE_GRANTS } from './table-actions.js';
import { deadLetterQueue } from './queues.js';

export const AGGREGATOR_ENTRY = 'functions/streams/aggregate-metrics.ts';
const RECOUNT_ENTRY = 'functions/recount/recount-metrics.ts';

/**
 * The recount's table access (core/metrics/recount.ts): Query and GetItem to read a campaign's partition,
 * PutItem and ConditionCheckItem for its one TransactWriteItems per repaired shard. No Scan, no Delete.
 */
export const RECOUNT_ACTIONS = [
  'dynamodb:Query',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:ConditionCheckItem',
] as const;

/**
 * `recountMetrics`, invoked by an operator: recounts a campaign from its batch items and repairs drifted
 * counters (e.g. after records landed in the on-failure queue, which never reach the counters).
 */
const recountFunction = (scope: Construct, table: ITable): HandlerFunction => {
  const recounter = new HandlerFunction(scope, 'Recounter', {
    entry: RECOUNT_ENTRY,
    description: 'recountMetrics: a campaign recounted from its batch items, drifted counters repaired',
    timeout: Duration.minutes(5),
    memorySize: 1024,
  });
  recounter.bindTableActions(table, RECOUNT_ACTIONS);
  return recounter;
};

/**
 * Records per invocation. A batch item's old and new images weigh a few KB (100 messages packed; at most
 * the 400 KB item limit each), so 200 records stay well inside Lambda's 6 MB invocation payload.
 */
export const AGGREGATOR_BATCH_SIZE = 200;
/** Waiting a few seconds fills invocations, so one transaction per shard counts hundreds of changes. */
export const AGGREGATOR_BATCHING_WINDOW = Duration.seconds(5);
/** A batch that keeps failing is halved (bisect) and retried this often before it is parked. */
export const AGGREGATOR_RETRY_ATTEMPTS = 10;
export const AGGREGATOR_TIMEOUT = Duration.seconds(60);
/** Metrics lag behind sending by at most a few batching windows; more means the aggregator falls behind. */
export const ITERATOR_AGE_THRESHOLD = Duration.minutes(5);

export interface MetricsAggregationProps {
  readonly table: ITable;
}

/**
 * Campaign metrics (contract §7): the table's stream, filtered to the entities that count (batches,
 * progress, clicks, inbound messages), feeds an aggregator that keeps each campaign's sharded counters.
 * Counting is idempotent (a marker per stream record), so Lambda's retries and bisections never
 * double-count. Records that still fail are described in an on-failure queue, which raises an alarm.
 */
export class MetricsAggregation extends Construct {
  readonly aggregator: HandlerFunction;
  readonly recounter: HandlerFunction;
  readonly failureQueue: Queue;
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: MetricsAggregationProps) {
    super(scope, id);
    this.failureQueue = deadLetterQueue(this, 'FailedRecordsQueue');
    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the on-failure destination of the stream event source (descriptions of records that could not be counted): a dead-letter queue of a dead-letter queue would hold nothing.',
    });
    this.aggregator = new HandlerFunction(this, 'Aggregator', {
      entry: AGGREGATOR_ENTRY,
      description: 'aggregateMetrics: table stream → campaign metrics counters',
      timeout: AGGREGATOR_TIMEOUT,
    });
    // Reads and writes counter shards, minute items and markers of the same table (no other service).
    this.aggregator.bindTable(props.table, FUNCTION_TABLE_GRANTS.aggregateMetrics);
    const entities = [...METRIC_ENTITIES];
    this.aggregator.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: AGGREGATOR_BATCH_SIZE,
        maxBatchingWindow: AGGREGATOR_BATCHING_WINDOW,
        bisectBatchOnError: true,
        retryAttempts: AGGREGATOR_RETRY_ATTEMPTS,
        maxRecordAge: Duration.days(1),
        onFailure: new SqsDlq(this.failureQueue),
        filters: [
          // Inserts and updates of the entities that count; removals only of batches (see changes.ts).
          FilterCriteria.filter({ dynamodb: { NewImage: { entity: { S: FilterRule.or(...entities) } } } }),
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('REMOVE'),
            dynamodb: { OldImage: { entity: { S: FilterRule.isEqual('Batch') } } },
          }),
        ],
      }),
    );
    this.recounter = recountFunction(this, props.table);
    this.alarms = [
      alarmOnDeadLetters(
        this,
        'FailedRecordsAlarm',
        this.failureQueue,
        'Stream records could not be counted in the campaign metrics: see the on-failure queue',
      ),
      new Alarm(this, 'IteratorAgeAlarm', {
        alarmDescription: `The metrics aggregator is more than ${ITERATOR_AGE_THRESHOLD.toMinutes()} minutes behind the table's stream`,
        metric: this.aggregator.metric('IteratorAge', { period: Duration.minutes(5), statistic: 'Maximum' }),
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        threshold: ITERATOR_AGE_THRESHOLD.toMilliseconds(),
        evaluationPeriods: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      alarmOnErrors(this, 'AggregatorErrorsAlarm', this.aggregator, 'The metrics aggregator keeps failing', {
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      }),
    ];
  }
}
