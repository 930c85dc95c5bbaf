import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { alarmOnDeadLetters, alarmOnErrors } from './alarms.js';
import { HandlerFunction, type ScheduleTarget } from './handler-function.js';
import { FUNCTION_TABLE_GRANTS } from './table-actions.js';
import { deadLetterQueue } from './queues.js';

/** The schedule group of a stage: `sms-campaigns-dev`. */
export const scheduleGroupNameOf = (stage: string): string => `sms-campaigns-${stage}`;
export const START_CAMPAIGN_ENTRY = 'functions/scheduled/start-campaign.ts';

export interface CampaignSchedulerProps {
  readonly stage: string;
  readonly table: ITable;
  readonly bus: IEventBus;
  /** The handler's dependencies size short links from it. */
  readonly publicBaseUrl: string;
}

/**
 * Starts approved campaigns on time: handlers put one EventBridge Scheduler schedule per campaign in
 * `group`; it invokes `targetFunction` (start-campaign) through `role`. Failed starts land in
 * `deadLetterQueue`, and an alarm goes off.
 */
export class CampaignScheduler extends Construct implements ScheduleTarget {
  readonly group: ScheduleGroup;
  readonly targetFunction: HandlerFunction;
  readonly role: Role;
  readonly deadLetterQueue: Queue;
  readonly failedStartsAlarm: Alarm;
  readonly startErrorsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: CampaignSchedulerProps) {
    super(scope, id);

    this.group = new ScheduleGroup(this, 'Group', {
      scheduleGroupName: scheduleGroupNameOf(props.stage),
      // Its schedules invoke this stack's function, so they are useless once the stack is gone.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetterQueue');

    this.targetFunction = new HandlerFunction(this, 'StartCampaign', {
      entry: START_CAMPAIGN_ENTRY,
      description: 'startCampaign: target of the one-time schedule of each campaign',
      environment: { PUBLIC_BASE_URL: props.publicBaseUrl },
      // Scheduler invokes Lambda asynchronously: errors inside the function never reach the schedule's
      // dead-letter queue, only Lambda's own, so both use the same queue.
      deadLetterQueue: this.deadLetterQueue,
    });
    this.targetFunction.bindTable(props.table, FUNCTION_TABLE_GRANTS.startCampaign);
    this.targetFunction.bindEvents(props.bus);

    this.role = new Role(this, 'InvokeRole', {
      description: 'Assumed by EventBridge Scheduler to start campaigns',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    // The function itself, not its versions and aliases (`grantInvoke` would add `<arn>:*`).
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.targetFunction.functionArn],
      }),
    );
    this.deadLetterQueue.grant(this.role, 'sqs:SendMessage');

    this.failedStartsAlarm = alarmOnDeadLetters(
      this,
      'FailedStartsAlarm',
      this.deadLetterQueue,
      'A campaign did not start on time: see the messages in the dead-letter queue',
    );
    this.startErrorsAlarm = alarmOnErrors(
      this,
      'StartErrorsAlarm',
      this.targetFunction,
      'The start-campaign function failed; Lambda retries it twice',
    );
  }
}
