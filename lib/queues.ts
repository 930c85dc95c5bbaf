import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export const DEAD_LETTER_RETENTION = Duration.days(14);

/** Every queue of the stack: encrypted at rest by SQS, reachable over TLS only. */
export const secureQueue = (
  scope: Construct,
  id: string,
  props: Omit<QueueProps, 'encryption' | 'encryptionMasterKey' | 'enforceSSL'> = {},
): Queue => new Queue(scope, id, { ...props, encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });

/** A dead-letter queue keeps what failed for the longest time SQS allows, 14 days. */
export const deadLetterQueue = (scope: Construct, id: string): Queue =>
  secureQueue(scope, id, { retentionPeriod: DEAD_LETTER_RETENTION });
