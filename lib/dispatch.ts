import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule, type IEventBus } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CAMPAIGN_STARTED, CAMPAIGN_STARTED_PATTERN } from '#adapters/events.js';
import { PartnerId } from '#core/partner.js';
import { MATERIALIZE_TIMEOUT_SECONDS } from '#events/limits.js';
import { alarmAboveZero, alarmOnDeadLetters, alarmOnErrors } from './alarms.js';
import { HandlerFunction, type HandlerFunctionProps } from './handler-function.js';
import { FUNCTION_TABLE_GRANTS, type TableGrant } from './table-actions.js';
import { PartnerQueue } from './partner-queue.js';
import { deadLetterQueue } from './queues.js';

export const MATERIALIZE_ENTRY = 'functions/events/materialize-campaign.ts';
export const SWEEP_ENTRY = 'functions/scheduled/sweep.ts';

export { CAMPAIGN_STARTED };
/** Materialising reads whole audiences: 1769 MB is one full vCPU. */
export const MATERIALIZE_MEMORY_MB = 1769;
export const MATERIALIZE_TIMEOUT = Duration.seconds(MATERIALIZE_TIMEOUT_SECONDS);
export const SWEEP_RATE = Duration.minutes(1);
/** EventBridge's own retries of a `campaign.started` it could not deliver to the materialiser. */
export const MATERIALIZE_DELIVERY_RETRIES = 8;
export const MATERIALIZE_MAX_EVENT_AGE = Duration.hours(2);
/** Failed sweep runs kept before an alarm: one is made good by the next run, five in a row are not. */
export const SWEEP_DEAD_LETTERS_THRESHOLD = 5;

/**
 * The `partners` context (`-c partners=viettel-hn,vnpt-hn`, or a list in cdk.json): partner ids that get
 * a queue and consumer of their own. Unset means none: every partner shares the default queue.
 */
export const partnerIdsFromContext = (value: unknown): string[] => {
  if (value === undefined || value === null || value === '') return [];
  const items = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(items) || !items.every((item) => typeof item === 'string')) {
    throw new Error('Context partners must be partner ids separated by commas, e.g. -c partners=a-hn,b-hn');
  }
  const ids = items.map((item) => item.trim()).filter((item) => item !== '');
  for (const id of ids) {
    const parsed = PartnerId.safeParse(id);
    if (!parsed.success)
      throw new Error(`Context partners: "${id}" is not a partner id (${parsed.error.issues[0]?.message})`);
  }
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate) throw new Error(`Context partners: "${duplicate}" is listed twice`);
  return ids;
};

export interface DispatchProps {
  readonly table: ITable;
  readonly bus: IEventBus;
  readonly publicBaseUrl: string;
  /** Partners with a queue of their own (see `partnerIdsFromContext`); the others share one. */
  readonly partnerIds: readonly string[];
}

/**
 * Sending (contract §8 "We send"). `campaign.started` on the bus runs the materialiser, which writes the
 * campaign's send batches to the table and publishes one notice per batch to the batch topic; SNS fans
 * the notices out by their `partnerId` attribute to one queue per configured partner, plus a default
 * queue for all others, each drained by its own consumer. Every minute the sweep finishes cut-short
 * materialisations, completes finished campaigns and re-notifies batches that are due again.
 */
export class Dispatch extends Construct {
  readonly topic: Topic;
  /** One per configured partner, then the default queue. */
  readonly partnerQueues: readonly PartnerQueue[];
  readonly defaultQueue: PartnerQueue;
  readonly materializer: HandlerFunction;
  readonly materializerDeadLetterQueue: Queue;
  readonly campaignStartedRule: Rule;
  readonly sweep: HandlerFunction;
  /** Sweep runs that failed (the next run, a minute later, redoes them): kept to be looked at. */
  readonly sweepDeadLetterQueue: Queue;
  readonly sweepRule: Rule;
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: DispatchProps) {
    super(scope, id);

    // Notices carry only a campaign id and a batch number, so the topic needs no key of its own.
    this.topic = new Topic(this, 'BatchTopic', {
      displayName: 'Send batches, one notice per batch',
      enforceSSL: true,
    });

    const lane = {
      topic: this.topic,
      table: props.table,
      bus: props.bus,
      publicBaseUrl: props.publicBaseUrl,
    };
    const own = props.partnerIds.map(
      (partnerId) => new PartnerQueue(this, `Partner-${partnerId}`, { ...lane, partners: { partnerId } }),
    );
    this.defaultQueue = new PartnerQueue(this, 'DefaultPartners', {
      ...lane,
      partners: { allExcept: props.partnerIds },
    });
    this.partnerQueues = [...own, this.defaultQueue];

    /** A function that materialises campaigns: sized for it, writing the table and publishing batches. */
    const materializing = (
      id: string,
      {
        table,
        ...fn
      }: Pick<HandlerFunctionProps, 'entry' | 'description' | 'deadLetterQueue'> & {
        readonly table: TableGrant;
      },
    ) => {
      const materializer = new HandlerFunction(this, id, {
        ...fn,
        memorySize: MATERIALIZE_MEMORY_MB,
        timeout: MATERIALIZE_TIMEOUT,
        environment: { PUBLIC_BASE_URL: props.publicBaseUrl },
      });
      materializer.bindTable(props.table, table);
      materializer.bindBatchTopic(this.topic);
      return materializer;
    };

    this.materializerDeadLetterQueue = deadLetterQueue(this, 'MaterializeDeadLetterQueue');
    this.materializer = materializing('Materialize', {
      entry: MATERIALIZE_ENTRY,
      description: `materialize: ${CAMPAIGN_STARTED} → send batches and their notices`,
      // EventBridge invokes it asynchronously: once Lambda's two retries fail, the event lands here.
      deadLetterQueue: this.materializerDeadLetterQueue,
      table: FUNCTION_TABLE_GRANTS.materializeCampaign,
    });
    // No bus: materialising publishes no event (the sweep completes a campaign with nothing to send).
    this.campaignStartedRule = new Rule(this, 'CampaignStartedRule', {
      description: `Materialise a campaign when it starts sending (${CAMPAIGN_STARTED})`,
      eventBus: props.bus,
      eventPattern: CAMPAIGN_STARTED_PATTERN,
      targets: [
        new LambdaFunction(this.materializer, {
          deadLetterQueue: this.materializerDeadLetterQueue,
          retryAttempts: MATERIALIZE_DELIVERY_RETRIES,
          maxEventAge: MATERIALIZE_MAX_EVENT_AGE,
        }),
      ],
    });

    this.sweepDeadLetterQueue = deadLetterQueue(this, 'SweepDeadLetterQueue');
    // It may have to finish a materialisation, so it is one like the materialiser.
    this.sweep = materializing('Sweep', {
      entry: SWEEP_ENTRY,
      description: 'sweep: finish materialising, complete campaigns, re-notify due batches',
      deadLetterQueue: this.sweepDeadLetterQueue,
      table: FUNCTION_TABLE_GRANTS.sweep,
    });
    this.sweep.bindEvents(props.bus);
    // The next run is a minute away and the sweep is idempotent: retrying a failed run only piles up.
    this.sweep.configureAsyncInvoke({ retryAttempts: 0 });
    this.sweepRule = new Rule(this, 'SweepRule', {
      description: 'Sweep sending campaigns every minute',
      schedule: Schedule.rate(SWEEP_RATE),
      targets: [
        new LambdaFunction(this.sweep, { retryAttempts: 0, deadLetterQueue: this.sweepDeadLetterQueue }),
      ],
    });

    this.alarms = [
      ...this.partnerQueues.flatMap((queue) => [
        queue.deadLettersAlarm,
        queue.undeliveredAlarm,
        queue.consumerErrorsAlarm,
      ]),
      new Alarm(this, 'FailedSweepsAlarm', {
        alarmDescription: `More than ${SWEEP_DEAD_LETTERS_THRESHOLD} failed sweep runs are in the sweep's dead-letter queue`,
        metric: this.sweepDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        threshold: SWEEP_DEAD_LETTERS_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      alarmAboveZero(this, 'FailedNoticesAlarm', {
        description: 'SNS could not deliver batch notices to a partner queue',
        metric: this.topic.metricNumberOfNotificationsFailed({
          period: Duration.minutes(5),
          statistic: 'Sum',
        }),
      }),
      alarmOnDeadLetters(
        this,
        'FailedMaterializationsAlarm',
        this.materializerDeadLetterQueue,
        'A started campaign could not be materialised (the sweep keeps trying): see the dead-letter queue',
      ),
      alarmOnErrors(
        this,
        'MaterializeErrorsAlarm',
        this.materializer,
        'The materialiser failed; Lambda retries it twice',
      ),
      // One failed run is made good by the next, a minute later; failures in two of three five-minute
      // periods are not bad luck.
      alarmOnErrors(this, 'SweepErrorsAlarm', this.sweep, 'The every-minute sweep keeps failing', {
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      }),
    ];
  }

  /** Every function of the construct. */
  get functions(): HandlerFunction[] {
    return [...this.partnerQueues.map((queue) => queue.consumer), this.materializer, this.sweep];
  }
}
