import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { SubscriptionFilter, type ITopic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CONSUMER_TIMEOUT_SECONDS } from '#queue/limits.js';
import { alarmOnDeadLetters, alarmOnErrors } from './alarms.js';
import { HandlerFunction } from './handler-function.js';
import { FUNCTION_TABLE_GRANTS } from './table-actions.js';
import { deadLetterQueue, secureQueue, subscriptionDeadLetterQueue } from './queues.js';

export const CONSUMER_ENTRY = 'functions/queue/dispatch-consumer.ts';

/** The SNS message attribute that `functions/adapters/batch-queue.ts` sets on every batch notice. */
export const PARTNER_ATTRIBUTE = 'partnerId';
export const CONSUMER_TIMEOUT = Duration.seconds(CONSUMER_TIMEOUT_SECONDS);
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** At most this many consumers per queue, so pacing to the partner's TPS is not fought by hundreds. */
export const CONSUMER_MAX_CONCURRENCY = 5;
export const CONSUMER_BATCH_SIZE = 10;
/** AWS's advice for Lambda consumers: at least six times the function's timeout. */
export const QUEUE_VISIBILITY_TIMEOUT = Duration.seconds(CONSUMER_TIMEOUT.toSeconds() * 6);
/** A notice that failed this many times goes to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;

/** The partners whose batch notices a queue receives. */
export type PartnerSelection =
  | { readonly partnerId: string }
  /** Everyone but these (everyone at all when the list is empty): the default queue. */
  | { readonly allExcept: readonly string[] };

export interface PartnerQueueProps {
  readonly partners: PartnerSelection;
  readonly topic: ITopic;
  readonly table: ITable;
  readonly bus: IEventBus;
  readonly publicBaseUrl: string;
}

const filterPolicyOf = (partners: PartnerSelection): Record<string, SubscriptionFilter> | undefined => {
  if ('partnerId' in partners)
    return { [PARTNER_ATTRIBUTE]: SubscriptionFilter.stringFilter({ allowlist: [partners.partnerId] }) };
  if (partners.allExcept.length === 0) return undefined;
  return { [PARTNER_ATTRIBUTE]: SubscriptionFilter.stringFilter({ denylist: [...partners.allExcept] }) };
};

/**
 * One lane of the fan-out: an SQS queue subscribed to the batch topic for some partners, its dead-letter
 * queue, and the Lambda consumer that hands each noticed batch to the partner (contract §8 "We send").
 * A notice the consumer fails on comes back after the visibility timeout; after five receives it is
 * parked in the dead-letter queue, and an alarm goes off.
 */
export class PartnerQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  /** Notices SNS could not deliver to the queue (a policy or encryption mistake): SNS's envelope kept. */
  readonly undeliveredQueue: Queue;
  readonly consumer: HandlerFunction;
  readonly deadLettersAlarm: Alarm;
  readonly consumerErrorsAlarm: Alarm;
  readonly undeliveredAlarm: Alarm;

  constructor(scope: Construct, id: string, props: PartnerQueueProps) {
    super(scope, id);
    const which =
      'partnerId' in props.partners ? `partner ${props.partners.partnerId}` : 'partners without a queue';

    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetterQueue');
    this.queue = secureQueue(this, 'Queue', {
      visibilityTimeout: QUEUE_VISIBILITY_TIMEOUT,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    this.undeliveredQueue = subscriptionDeadLetterQueue(this, 'UndeliveredQueue');
    props.topic.addSubscription(
      new SqsSubscription(this.queue, {
        deadLetterQueue: this.undeliveredQueue,
        // The consumer reads `{ campaignId, seq }` itself, not SNS's envelope around it.
        rawMessageDelivery: true,
        filterPolicy: filterPolicyOf(props.partners),
      }),
    );

    this.consumer = new HandlerFunction(this, 'Consumer', {
      entry: CONSUMER_ENTRY,
      description: `dispatch consumer: send batches of ${which}`,
      timeout: CONSUMER_TIMEOUT,
      environment: {
        PUBLIC_BASE_URL: props.publicBaseUrl,
        WEBHOOK_TIMEOUT_MS: String(WEBHOOK_TIMEOUT_MS),
      },
    });
    this.consumer.bindTable(props.table, FUNCTION_TABLE_GRANTS.dispatchConsumer);
    // Failover to the next partner re-publishes the batch notice.
    this.consumer.bindBatchTopic(props.topic);
    // The last settled batch completes its campaign (`campaign.completed`).
    this.consumer.bindEvents(props.bus);
    // Partners of kind `sns` are Amazon SNS SMS straight to the phones.
    this.consumer.grantSmsPublish();
    // Each hand-over is signed with the partner's secret, opened from its sealed form.
    this.consumer.bindPartnerSecrets('open');
    this.consumer.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: CONSUMER_BATCH_SIZE,
        // The handler answers `batchItemFailures`: only the failed notices come back.
        reportBatchItemFailures: true,
        maxConcurrency: CONSUMER_MAX_CONCURRENCY,
      }),
    );

    this.deadLettersAlarm = alarmOnDeadLetters(
      this,
      'DeadLettersAlarm',
      this.deadLetterQueue,
      `Batches of ${which} failed ${MAX_RECEIVE_COUNT} times: see the dead-letter queue`,
    );
    this.undeliveredAlarm = alarmOnDeadLetters(
      this,
      'UndeliveredAlarm',
      this.undeliveredQueue,
      `SNS could not deliver batch notices of ${which} to their queue: see the undelivered queue`,
    );
    this.consumerErrorsAlarm = alarmOnErrors(
      this,
      'ConsumerErrorsAlarm',
      this.consumer,
      `The dispatch consumer of ${which} failed as a whole (not one batch): timeout, crash or bad code`,
    );
  }
}
