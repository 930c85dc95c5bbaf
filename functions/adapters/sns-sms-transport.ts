import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { PartnerTransport } from '#core/dispatch/ports.js';
import { inParallel } from '#core/concurrency.js';

interface SendBody {
  data: { messages: { messageId: string; to: string; senderId: string; text: string }[] };
}

const THROTTLED = new Set(['ThrottlingException', 'Throttling', 'ThrottledException']);

/**
 * The second transport: Amazon SNS SMS straight to each phone (Transactional, with the partner's sender
 * id), for areas no carrier integration covers. It answers like a partner would: 200 with the messages
 * SNS refused as `rejected`, or 429 when SNS throttles, so pacing, retries and failover stay the same.
 */
export const snsSmsTransport = (client: SNSClient): PartnerTransport => ({
  async send({ body }) {
    const { data } = JSON.parse(body) as SendBody;
    const rejected: { messageId: string; reason: string }[] = [];
    let throttled = false;
    await inParallel(data.messages, 10, async (message) => {
      try {
        await client.send(
          new PublishCommand({
            PhoneNumber: message.to,
            Message: message.text,
            MessageAttributes: {
              'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
              'AWS.SNS.SMS.SenderID': {
                DataType: 'String',
                StringValue: message.senderId.replace(/[ .]/g, '-'),
              },
            },
          }),
        );
      } catch (error) {
        const name = (error as Error).name;
        if (THROTTLED.has(name)) throttled = true;
        else rejected.push({ messageId: message.messageId, reason: name });
      }
    });
    if (throttled && rejected.length === 0) return { status: 429, retryAfter: '1' };
    return { status: 200, body: { rejected } };
  },
});
