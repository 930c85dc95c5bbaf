import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

const FIVE_MINUTES = Duration.minutes(5);

interface AnyAboveZeroProps {
  readonly description: string;
  readonly metric: IMetric;
  /** Five-minute periods looked at, and how many of them must breach (default 1 of 1). */
  readonly evaluationPeriods?: number;
  readonly datapointsToAlarm?: number;
}

/** An alarm that goes off when the metric is above zero; no data (nothing happened) is fine. */
export const alarmAboveZero = (scope: Construct, id: string, props: AnyAboveZeroProps): Alarm =>
  new Alarm(scope, id, {
    alarmDescription: props.description,
    metric: props.metric,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    threshold: 0,
    evaluationPeriods: props.evaluationPeriods ?? 1,
    ...(props.datapointsToAlarm ? { datapointsToAlarm: props.datapointsToAlarm } : {}),
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });

/** As soon as a dead-letter queue holds a message, someone has to look at it. */
export const alarmOnDeadLetters = (scope: Construct, id: string, queue: IQueue, description: string) =>
  alarmAboveZero(scope, id, {
    description,
    metric: queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
  });

/** A function threw (an unhandled error, a timeout, running out of memory). */
export const alarmOnErrors = (
  scope: Construct,
  id: string,
  fn: IFunction,
  description: string,
  periods: Pick<AnyAboveZeroProps, 'evaluationPeriods' | 'datapointsToAlarm'> = {},
) =>
  alarmAboveZero(scope, id, {
    description,
    metric: fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
    ...periods,
  });
