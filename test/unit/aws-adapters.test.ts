import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { eventBridgePublisher } from '#adapters/events.js';
import { dynamoRecipientIndex } from '#adapters/recipient-index.js';
import type { Batch, BatchMessage } from '#core/dispatch/batch.js';
import { eventBridgeScheduler } from '#adapters/scheduler.js';
import { snsSmsTransport } from '#adapters/sns-sms-transport.js';
import { queuedBatch } from './fixtures.js';

const schedulerMock = mockClient(SchedulerClient);
const eventsMock = mockClient(EventBridgeClient);
const target = {
  groupName: 'sms-campaigns',
  targetArn: 'arn:aws:lambda:ap-southeast-1:123456789012:function:start',
  roleArn: 'arn:aws:iam::123456789012:role/scheduler',
  deadLetterArn: 'arn:aws:sqs:ap-southeast-1:123456789012:schedule-dlq',
};

beforeEach(() => {
  schedulerMock.reset();
  eventsMock.reset();
});

describe('EventBridge Scheduler adapter', () => {
  const scheduler = eventBridgeScheduler(new SchedulerClient({ region: 'ap-southeast-1' }), target);

  it('creates a one-time schedule at the local time of the campaign zone, deleted after it fires', async () => {
    schedulerMock.on(CreateScheduleCommand).resolves({});
    await scheduler.schedule('01J0CAMPAIGN', new Date('2027-07-30T01:00:00Z'), 'Asia/Ho_Chi_Minh');
    const [call] = schedulerMock.commandCalls(CreateScheduleCommand);
    expect(call?.args[0].input).toMatchObject({
      Name: 'campaign-01J0CAMPAIGN',
      GroupName: 'sms-campaigns',
      ScheduleExpression: 'at(2027-07-30T08:00:00)',
      ScheduleExpressionTimezone: 'Asia/Ho_Chi_Minh',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: target.targetArn,
        RoleArn: target.roleArn,
        Input: JSON.stringify({ campaignId: '01J0CAMPAIGN' }),
        DeadLetterConfig: { Arn: target.deadLetterArn },
      },
    });
  });

  it('updates the schedule when the campaign already has one', async () => {
    schedulerMock
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
    schedulerMock.on(UpdateScheduleCommand).resolves({});
    await scheduler.schedule('01J0CAMPAIGN', new Date('2027-07-01T02:30:00Z'), 'Asia/Ho_Chi_Minh');
    expect(schedulerMock.commandCalls(UpdateScheduleCommand)[0]?.args[0].input.ScheduleExpression).toBe(
      'at(2027-07-01T09:30:00)',
    );
  });

  it('treats cancelling a schedule that is already gone as done', async () => {
    schedulerMock
      .on(DeleteScheduleCommand)
      .rejects(new ResourceNotFoundException({ message: 'gone', Message: 'gone', $metadata: {} }));
    await expect(scheduler.cancel('01J0CAMPAIGN')).resolves.toBeUndefined();
    expect(schedulerMock.commandCalls(DeleteScheduleCommand)[0]?.args[0].input).toEqual({
      Name: 'campaign-01J0CAMPAIGN',
      GroupName: 'sms-campaigns',
    });
  });

  it('passes other scheduler errors on', async () => {
    schedulerMock.on(DeleteScheduleCommand).rejects(new Error('throttled'));
    await expect(scheduler.cancel('01J0CAMPAIGN')).rejects.toThrow('throttled');
  });
});

describe('EventBridge publisher', () => {
  const publisher = eventBridgePublisher(
    new EventBridgeClient({ region: 'ap-southeast-1' }),
    'sms-campaigns',
  );
  const event = {
    type: 'campaign.approved',
    at: '2027-07-29T03:00:00.000Z',
    detail: { campaignId: 'c1', actor: 'minh' },
  };

  it('puts the event on the bus with the type as detail-type', async () => {
    eventsMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
    await publisher.publish(event);
    expect(eventsMock.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries).toEqual([
      {
        EventBusName: 'sms-campaigns',
        Source: 'sms-campaigns',
        DetailType: 'campaign.approved',
        Time: new Date(event.at),
        Detail: JSON.stringify(event.detail),
      },
    ]);
  });

  it('fails loudly when EventBridge refuses the entry', async () => {
    eventsMock
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'Throttled', ErrorMessage: 'slow down' }] });
    await expect(publisher.publish(event)).rejects.toThrow('slow down');
  });
});

describe('Amazon SNS SMS transport', () => {
  const snsMock = mockClient(SNSClient);
  const transport = snsSmsTransport(new SNSClient({ region: 'ap-southeast-1' }));
  const body = JSON.stringify({
    type: 'sms.send',
    data: {
      messages: [
        { messageId: 'c.0.0', to: '+84981234567', senderId: 'BO CONG AN', text: 'Gọi 111' },
        { messageId: 'c.0.1', to: '+84911234567', senderId: 'BO CONG AN', text: 'Gọi 111' },
      ],
    },
  });
  const request = { url: '', secret: '', webhookId: 'msg_c_0_sns', body, timeoutMs: 1000 };

  beforeEach(() => snsMock.reset());

  it('publishes each message to its phone as Transactional with the sender id', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'm' });
    expect(await transport.send(request)).toEqual({ status: 200, body: { rejected: [] } });
    expect(snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input)).toEqual([
      {
        PhoneNumber: '+84981234567',
        Message: 'Gọi 111',
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'BO-CONG-AN' },
        },
      },
      expect.objectContaining({ PhoneNumber: '+84911234567' }),
    ]);
  });

  it('reports a message SNS refuses as rejected and a throttled batch as 429', async () => {
    snsMock
      .on(PublishCommand, { PhoneNumber: '+84911234567' })
      .rejects(Object.assign(new Error('opted out'), { name: 'InvalidParameterException' }));
    snsMock.on(PublishCommand, { PhoneNumber: '+84981234567' }).resolves({ MessageId: 'm' });
    expect(await transport.send(request)).toEqual({
      status: 200,
      body: { rejected: [{ messageId: 'c.0.1', reason: 'InvalidParameterException' }] },
    });
    snsMock.reset();
    snsMock
      .on(PublishCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    expect(await transport.send(request)).toEqual({ status: 429, retryAfter: '1' });
  });
});

describe('dynamoRecipientIndex', () => {
  const dynamoMock = mockClient(DynamoDBDocumentClient);
  beforeEach(() => dynamoMock.reset());

  it('indexes a campaign of more batches than a call takes arguments, keyed by its first batch', async () => {
    dynamoMock.on(BatchWriteCommand).resolves({});
    const message: BatchMessage = { index: 0, to: '+84981234567', carrier: 'viettel', state: 'queued' };
    const batches: Batch[] = Array.from({ length: 200_000 }, (_, n) => ({
      campaignId: 'c1',
      seq: n + 7,
      partnerId: 'p1',
      routes: ['p1'],
      status: 'queued' as const,
      attempt: 0,
      availableAt: '2027-07-30T01:00:00.000Z',
      createdAt: '2027-07-30T01:00:00.000Z',
      updatedAt: '2027-07-30T01:00:00.000Z',
      messages: n === 0 ? [message] : [],
    }));
    const index = dynamoRecipientIndex(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'table');
    await index.put('c1', '2027-07-30T01:00:00.000Z', batches, 'run-1');
    const [write] = dynamoMock.commandCalls(BatchWriteCommand);
    const item = write?.args[0].input.RequestItems?.table?.[0]?.PutRequest?.Item;
    expect(item?.sk).toBe('2027-07-30T01:00:00.000Z#c1#000000007#run-1');
  });

  it('gives two runs indexing the same slice items of their own, so neither replaces the other’s', async () => {
    dynamoMock.on(BatchWriteCommand).resolves({});
    const batch = queuedBatch([{ index: 0, to: '+84981234567', carrier: 'viettel', state: 'queued' }]);
    const index = dynamoRecipientIndex(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'table');
    await index.put('c1', '2027-07-30T01:00:00.000Z', [batch], 'stalled');
    await index.put('c1', '2027-07-30T01:00:00.000Z', [batch], 'taker');
    const keys = dynamoMock
      .commandCalls(BatchWriteCommand)
      .map((call) => call.args[0].input.RequestItems?.table?.[0]?.PutRequest?.Item?.sk);
    expect(new Set(keys).size).toBe(2);
  });
});
