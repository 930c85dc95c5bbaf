import { randomInt } from 'node:crypto';
import type { Campaign } from '../campaign.js';
import { ValidationError } from '../errors.js';
import type { PartnerView } from '../partner.js';
import { normalizeVietnameseMobile } from '../phone.js';
import { partnersFor } from '../routing.js';
import { messageId, planBatches, type Batch } from './batch.js';
import type { BatchQueue, BatchStore } from './ports.js';

/** Test batches live beside the campaign's own, numbered from here so they never meet. */
export const TEST_SEQ_BASE = 900_000_000;
export const MAX_TEST_PHONES = 5;

export interface TestSendResult {
  messages: { phone: string; messageId: string; partnerId: string | null; status: 'queued' | 'unroutable' }[];
}

/**
 * Contract §6 `POST /v1/campaigns/{id}/test`: the campaign's message to up to 5 phones, at once, whatever
 * the campaign's status or sending window, marked as a test so it stays out of the metrics and the cap.
 */
export const sendTest = async (
  deps: {
    batches: BatchStore;
    queue: BatchQueue;
    partners: () => Promise<PartnerView[]>;
    now: () => Date;
    shortCodes: (campaignId: string) => Promise<(seq: number) => string>;
  },
  campaign: Campaign,
  phones: readonly string[],
): Promise<TestSendResult> => {
  const normalized = phones.map((phone) => normalizeVietnameseMobile(phone));
  const invalid = normalized.flatMap((result, i) =>
    result.ok ? [] : [{ path: `phones.${i}`, message: result.reason }],
  );
  if (invalid.length) throw new ValidationError('Invalid phone number', invalid);
  const recipients = [
    ...new Map(
      normalized.flatMap((r) => (r.ok ? [[r.phone, { phone: r.phone, carrier: r.carrier }] as const] : [])),
    ).values(),
  ];

  const partners = await deps.partners();
  const { batches: planned, unroutable } = planBatches(recipients, (carrier) =>
    partnersFor(carrier, partners, campaign.partnerIds),
  );
  const at = deps.now().toISOString();
  const firstSeq = TEST_SEQ_BASE + randomInt(0, 99_000_000);
  const newCode = await deps.shortCodes(campaign.id);
  const batches: Batch[] = planned.map((plan, n) => ({
    campaignId: campaign.id,
    seq: firstSeq + n,
    partnerId: plan.partnerId,
    routes: plan.routes,
    status: 'queued',
    attempt: 0,
    availableAt: at,
    test: true,
    messages: plan.recipients.map((r, i) => ({
      i,
      to: r.phone,
      carrier: r.carrier,
      code: newCode(firstSeq + n),
      st: 'queued',
    })),
    createdAt: at,
    updatedAt: at,
  }));
  await deps.batches.putBatches(batches);
  await deps.queue.enqueue(batches);

  return {
    messages: [
      ...batches.flatMap((b) =>
        b.messages.map((m) => ({
          phone: m.to,
          messageId: messageId(b.campaignId, b.seq, m.i),
          partnerId: b.partnerId,
          status: 'queued' as const,
        })),
      ),
      ...unroutable.map((r) => ({
        phone: r.phone,
        messageId: '',
        partnerId: null,
        status: 'unroutable' as const,
      })),
    ],
  };
};
