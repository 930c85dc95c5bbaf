import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
} from '@aws-sdk/client-scheduler';
import { DeleteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { utcToLocalParts } from '#core/calendar.js';
import type { CampaignScheduler } from '#core/ports.js';
import { INDEX, keys } from './table.js';
import { scheduleCodec } from './table/records.js';
import { traced } from './tracer.js';

export interface SchedulerTarget {
  groupName: string;
  /** The start-campaign Lambda. */
  targetArn: string;
  /** The role EventBridge Scheduler assumes to invoke it. */
  roleArn: string;
  /** Where an invocation that keeps failing lands, next to an alarm. */
  deadLetterArn?: string | undefined;
}

const scheduleName = (campaignId: string) => `campaign-${campaignId}`;

/**
 * EventBridge Scheduler one-time schedules: `at(local time)` in the campaign's zone, deleted after they
 * fire. The target receives `{ campaignId }`.
 */
export const eventBridgeScheduler = (
  client: SchedulerClient,
  target: SchedulerTarget,
): CampaignScheduler => ({
  async schedule(campaignId, at, timeZone) {
    const local = utcToLocalParts(at, timeZone);
    const seconds = String(at.getUTCSeconds()).padStart(2, '0');
    const input: CreateScheduleCommandInput = {
      Name: scheduleName(campaignId),
      GroupName: target.groupName,
      ScheduleExpression: `at(${local.date}T${local.time}:${seconds})`,
      ScheduleExpressionTimezone: timeZone,
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: target.targetArn,
        RoleArn: target.roleArn,
        Input: JSON.stringify({ campaignId }),
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
        ...(target.deadLetterArn ? { DeadLetterConfig: { Arn: target.deadLetterArn } } : {}),
      },
    };
    try {
      await client.send(new CreateScheduleCommand(input));
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
      await client.send(new UpdateScheduleCommand(input));
    }
  },
  async cancel(campaignId) {
    try {
      await client.send(
        new DeleteScheduleCommand({ Name: scheduleName(campaignId), GroupName: target.groupName }),
      );
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  },
});

let schedulerSdk: SchedulerClient | undefined;
export const schedulerClient = () => (schedulerSdk ??= traced(new SchedulerClient({})));

/** Local runtime: schedules are items in the table, so they survive a restart; local/scheduler.ts fires them. */
export const dynamoLocalScheduler = (
  client: DynamoDBDocumentClient,
  table: string,
): CampaignScheduler & LocalScheduleQueue => ({
  async schedule(campaignId, at) {
    const dueAt = at.toISOString();
    await client.send(
      new PutCommand({
        TableName: table,
        Item: scheduleCodec.toItem({ campaignId, dueAt }),
      }),
    );
  },
  async cancel(campaignId) {
    await client.send(new DeleteCommand({ TableName: table, Key: keys.schedule(campaignId) }));
  },
  async due(now) {
    const result = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: INDEX.lists.name,
        KeyConditionExpression: 'listPk = :pk AND listSk <= :now',
        ExpressionAttributeValues: { ':pk': keys.schedulesListPk, ':now': `${now.toISOString()}#~` },
        Limit: 100,
      }),
    );
    return (result.Items ?? []).map(scheduleCodec.fromItem);
  },
  async done(campaignId, dueAt) {
    await client
      .send(
        new DeleteCommand({
          TableName: table,
          Key: keys.schedule(campaignId),
          ConditionExpression: 'dueAt = :dueAt',
          ExpressionAttributeValues: { ':dueAt': dueAt },
        }),
      )
      .catch((error: Error) => {
        // Rescheduled while it fired: the newer schedule stays.
        if (error.name !== 'ConditionalCheckFailedException') throw error;
      });
  },
});

export interface LocalScheduleQueue {
  due(now: Date): Promise<{ campaignId: string; dueAt: string }[]>;
  done(campaignId: string, dueAt: string): Promise<void>;
}
