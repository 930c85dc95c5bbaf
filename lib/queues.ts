import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export const DEAD_LETTER_RETENTION = Duration.days(14);

/** Every queue of the stack: encrypted at rest by SQS, reachable over TLS only. */
export const secureQueue = (
  scope: Construct,
  id: string,
  props: Omit<QueueProps, 'encryption' | 'encryptionMasterKey' | 'enforceSSL'> = {},
): Queue => new Queue(scope, id, { ...props, encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });

/**
 * Where an SNS subscription parks what it could not deliver. cdk-nag does not see a subscription's
 * `RedrivePolicy` as making the queue a dead-letter queue, so the queue is acknowledged here, once.
 */
export const subscriptionDeadLetterQueue = (scope: Construct, id: string): Queue => {
  const queue = deadLetterQueue(scope, id);
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      "This queue is an SNS subscription's dead-letter queue (messages SNS could not deliver): it needs none of its own.",
  });
  return queue;
};

/** A dead-letter queue keeps what failed for the longest time SQS allows, 14 days. */
export const deadLetterQueue = (scope: Construct, id: string): Queue =>
  secureQueue(scope, id, { retentionPeriod: DEAD_LETTER_RETENTION });
