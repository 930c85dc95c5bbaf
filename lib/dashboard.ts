import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  DELIVERY_REPORTS_METRIC,
  FAILOVERS_METRIC,
  METRICS_NAMESPACE,
  PARTNER_DIMENSION,
  SENT_METRIC,
  SERVICE_DIMENSION,
  SIGNATURE_FAILURES_METRIC,
  STATUS_DIMENSION,
  THROTTLES_METRIC,
} from '#adapters/metrics.js';
import { SERVICE_NAME } from '#adapters/service-name.js';

/** Below this share of handed-over messages delivered, for 3 × 15 minutes, someone should look. */
export const DELIVERY_RATE_THRESHOLD = 0.8;
/** Bad webhook signatures in 5 minutes, across partners, that are more than a partner's misconfiguration. */
export const SIGNATURE_FAILURES_THRESHOLD = 20;
/** Batches moved to another partner in 15 minutes (all partners): a partner is down or refusing. */
export const FAILOVERS_THRESHOLD = 0;

const PERIOD = Duration.minutes(5);

export interface ObservabilityProps {
  /** Partners with a queue of their own: each gets a delivery-rate line and alarm. */
  readonly partnerIds: readonly string[];
  /** Every dead-letter (and on-failure) queue of the stack, by a readable name. */
  readonly deadLetterQueues: readonly { name: string; queue: IQueue }[];
}

/**
 * A metric matches only if its dimensions match exactly: Powertools adds `service` to ours, so every
 * SEARCH, SCHEMA and Metric below names it (and filters on our service name).
 */
const search = (metricName: string, dims: readonly string[], extra = '') =>
  `SEARCH('{${METRICS_NAMESPACE},${[SERVICE_DIMENSION, ...dims].join(',')}} ${SERVICE_DIMENSION}="${SERVICE_NAME}" MetricName="${metricName}"${extra}', 'Sum', ${PERIOD.toSeconds()})`;

const partnerMetric = (metricName: string, partnerId: string, extra: Record<string, string> = {}) =>
  new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { [SERVICE_DIMENSION]: SERVICE_NAME, [PARTNER_DIMENSION]: partnerId, ...extra },
    statistic: 'Sum',
    period: Duration.minutes(15),
  });

/**
 * The operations dashboard (sent, delivered, failed, delivery rate per partner, throttles, dead letters)
 * and the alarms that are not tied to one construct: delivery rate drop per partner, webhook 401 spike.
 * Per-partner graphs use SEARCH, so partners added later appear without a deploy; alarms cannot use
 * SEARCH, so the 401 alarm is a Metrics Insights query summing over every partner, and the delivery-rate
 * alarms exist for the partners the stack knows (`partners` context).
 */
export class Observability extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const expression = (label: string, text: string): IMetric =>
      new MathExpression({ expression: text, label, period: PERIOD, usingMetrics: {} });

    // Ids are per partner: one graph shows every partner's rate, and ids must be unique within a graph.
    const rates = props.partnerIds.map((partnerId, n) => ({
      partnerId,
      rate: new MathExpression({
        expression: `IF(sent${n} > 0, delivered${n} / sent${n}, 1)`,
        label: `${partnerId} delivery rate`,
        usingMetrics: {
          [`delivered${n}`]: partnerMetric(DELIVERY_REPORTS_METRIC, partnerId, {
            [STATUS_DIMENSION]: 'delivered',
          }),
          [`sent${n}`]: partnerMetric(SENT_METRIC, partnerId),
        },
        period: Duration.minutes(15),
      }),
    }));

    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(6),
      widgets: [
        [
          new GraphWidget({
            title: 'Sent (handed over) per partner',
            left: [expression('sent', search(SENT_METRIC, [PARTNER_DIMENSION]))],
            width: 8,
          }),
          new GraphWidget({
            title: 'Delivered and failed per partner',
            left: [
              expression(
                'delivered',
                search(
                  DELIVERY_REPORTS_METRIC,
                  [PARTNER_DIMENSION, STATUS_DIMENSION],
                  ` ${STATUS_DIMENSION}="delivered"`,
                ),
              ),
              expression(
                'failed',
                search(
                  DELIVERY_REPORTS_METRIC,
                  [PARTNER_DIMENSION, STATUS_DIMENSION],
                  ` NOT ${STATUS_DIMENSION}="delivered" NOT ${STATUS_DIMENSION}="accepted"`,
                ),
              ),
            ],
            width: 8,
          }),
          new GraphWidget({
            title: 'Delivery rate per partner',
            left: rates.map((r) => r.rate),
            leftYAxis: { min: 0, max: 1 },
            width: 8,
          }),
        ],
        [
          new GraphWidget({
            title: 'Throttles (429) per partner',
            left: [expression('throttles', search(THROTTLES_METRIC, [PARTNER_DIMENSION]))],
            width: 8,
          }),
          new GraphWidget({
            title: 'Dead-letter queue depth',
            left: props.deadLetterQueues.map(({ name, queue }) =>
              queue.metricApproximateNumberOfMessagesVisible({
                label: name,
                period: PERIOD,
                statistic: 'Maximum',
              }),
            ),
            width: 8,
          }),
          new GraphWidget({
            title: 'Webhook signature failures (401)',
            left: [expression('401', search(SIGNATURE_FAILURES_METRIC, [PARTNER_DIMENSION]))],
            width: 8,
          }),
        ],
      ],
    });

    this.alarms = [
      ...rates.map(
        ({ partnerId, rate }) =>
          new Alarm(this, `DeliveryRateAlarm-${partnerId}`, {
            alarmDescription: `Delivery rate of ${partnerId} below ${DELIVERY_RATE_THRESHOLD * 100}% for 45 minutes`,
            metric: rate,
            comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
            threshold: DELIVERY_RATE_THRESHOLD,
            evaluationPeriods: 3,
            treatMissingData: TreatMissingData.NOT_BREACHING,
          }),
      ),
      new Alarm(this, 'FailoversAlarm', {
        alarmDescription:
          'Batches failed over to another partner in the last 15 minutes (all partners): one is down or refusing',
        metric: new MathExpression({
          expression: `SELECT SUM(${FAILOVERS_METRIC}) FROM SCHEMA("${METRICS_NAMESPACE}", ${PARTNER_DIMENSION}, ${SERVICE_DIMENSION}) WHERE ${SERVICE_DIMENSION} = '${SERVICE_NAME}'`,
          label: 'failovers',
          period: Duration.minutes(15),
          usingMetrics: {},
        }),
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        threshold: FAILOVERS_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'WebhookSignatureFailuresAlarm', {
        alarmDescription: `More than ${SIGNATURE_FAILURES_THRESHOLD} webhook calls with a bad signature in 5 minutes (all partners)`,
        metric: new MathExpression({
          expression: `SELECT SUM(${SIGNATURE_FAILURES_METRIC}) FROM SCHEMA("${METRICS_NAMESPACE}", ${PARTNER_DIMENSION}, ${SERVICE_DIMENSION}) WHERE ${SERVICE_DIMENSION} = '${SERVICE_NAME}'`,
          label: 'bad signatures',
          period: PERIOD,
          usingMetrics: {},
        }),
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        threshold: SIGNATURE_FAILURES_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    ];
  }
}
