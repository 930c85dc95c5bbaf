import { RemovalPolicy } from 'aws-cdk-lib';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { alarmOnDeadLetters } from './alarms.js';
import { subscriptionDeadLetterQueue } from './queues.js';
import { rotatingKey } from './keys.js';

export interface AlarmTopicProps {
  /** Subscribed by e-mail (context `alarmEmail`); AWS sends a confirmation link first. */
  readonly email?: string;
}

/**
 * Where every alarm of the stack goes: one SNS topic, encrypted with a key of its own (alarm texts name
 * partners and queues; the key policy lets CloudWatch, and nobody else by default, publish through it),
 * optionally mailed to the on-call address. Anyone else subscribes to the topic (chat, pager).
 */
export class AlarmTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;
  /** Alarm mails SNS could not deliver (a bounced address): held here, with an alarm of its own. */
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    this.key = rotatingKey(this, 'Key', {
      description: 'SMS campaigns: the alarm topic',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch publishes to an encrypted topic only if the key lets it make data keys.
    this.key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey');
    this.topic = new Topic(this, 'Topic', {
      displayName: 'SMS campaigns alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    this.deadLetterQueue = subscriptionDeadLetterQueue(this, 'UndeliveredQueue');
    if (props.email) {
      this.topic.addSubscription(
        new EmailSubscription(props.email, { deadLetterQueue: this.deadLetterQueue }),
      );
    }
    alarmOnDeadLetters(
      this,
      'UndeliveredAlarm',
      this.deadLetterQueue,
      'An alarm notification could not be delivered to a subscriber of the alarm topic',
    );
  }

  /** Sends every alarm under `scope` (this topic's own included) to the topic, when it goes off. */
  routeAlarmsOf(scope: IConstruct): number {
    const alarms = scope.node.findAll().filter((construct) => construct instanceof Alarm);
    const action = new SnsAction(this.topic);
    for (const alarm of alarms) alarm.addAlarmAction(action);
    return alarms.length;
  }
}
