import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct, type IConstruct } from 'constructs';
import { HandlerFunction } from './handler-function.js';

/** Share of invocation attempts that failed or were throttled, in percent, that someone should look at. */
export const FAILED_OR_THROTTLED_PERCENT = 5;
const PERIOD = Duration.minutes(5);

/**
 * One alarm per function of ours outside the HTTP API: errors (unhandled, timeouts, out of memory) and throttles (the
 * account's concurrency ran out) as a share of attempts above 5 % in 2 of 3 five-minute periods. A rate,
 * not a count: an API function with a single 500 among thousands of calls is not an incident, a consumer
 * that fails one run in ten is. The constructs that know better (the dispatch consumers, the materialiser,
 * start-campaign) also alarm on their first error.
 */
export class FunctionAlarms extends Construct {
  readonly alarms: readonly Alarm[];

  constructor(
    scope: Construct,
    id: string,
    props: {
      readonly of: IConstruct;
      /** Functions below this construct alarm otherwise (the API's, on its own 5xx rate: `HttpApi`). */
      readonly except?: IConstruct;
    },
  ) {
    super(scope, id);
    const excepted = new Set(props.except?.node.findAll() ?? []);
    const functions = props.of.node
      .findAll()
      .filter((construct) => construct instanceof HandlerFunction)
      .filter((fn) => !excepted.has(fn));
    const pathOf = (fn: HandlerFunction) => fn.node.path.slice(props.of.node.path.length + 1);
    this.alarms = functions.map(
      (fn) =>
        new Alarm(this, `FailedOrThrottled-${pathOf(fn).replace(/\//g, '-')}`, {
          alarmDescription: `${pathOf(fn)}: more than ${FAILED_OR_THROTTLED_PERCENT}% of invocations failed or were throttled`,
          metric: new MathExpression({
            expression:
              'IF(invocations + throttles > 0, 100 * (errors + throttles) / (invocations + throttles), 0)',
            label: 'failed or throttled %',
            period: PERIOD,
            usingMetrics: {
              errors: fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
              throttles: fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
              invocations: fn.metricInvocations({ period: PERIOD, statistic: 'Sum' }),
            },
          }),
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          threshold: FAILED_OR_THROTTLED_PERCENT,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
    );
  }
}
