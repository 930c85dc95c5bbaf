import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import type { BatchQueue } from '#core/dispatch/ports.js';
import { inGroupsOf } from './dynamo-batch.js';
import { traced } from './tracer.js';

/** SNS → one SQS queue per partner, chosen by the subscription filter policy on `partnerId`. */
export const snsBatchQueue = (client: SNSClient, topicArn: string): BatchQueue => ({
  async enqueue(refs) {
    for (const group of inGroupsOf(refs, 10)) {
      const result = await client.send(
        new PublishBatchCommand({
          TopicArn: topicArn,
          PublishBatchRequestEntries: group.map((ref, i) => ({
            Id: String(i),
            Message: JSON.stringify({ campaignId: ref.campaignId, seq: ref.seq }),
            MessageAttributes: { partnerId: { DataType: 'String', StringValue: ref.partnerId } },
          })),
        }),
      );
      if (result.Failed?.length)
        throw new Error(`SNS refused ${result.Failed.length} batch notices: ${result.Failed[0]?.Message}`);
    }
  },
});

/** Locally the table's queue index is the queue: nothing to publish. */
export const tableBatchQueue: BatchQueue = { enqueue: async () => undefined };

let sns: SNSClient | undefined;
export const snsClient = () => (sns ??= traced(new SNSClient({})));
