import { describe, expect, it } from 'vitest';
import type { AudienceMember } from '#core/audience.js';
import {
  CAMPAIGN_STATUSES,
  CampaignInput,
  CampaignPatch,
  ScheduleInput,
  allowedFrom,
  assertMayReview,
  assertTransition,
  nextStatus,
  reviewBarReason,
  withEditor,
  type CampaignAction,
} from '#core/campaign.js';
import { estimateCampaign } from '#core/campaign-estimate.js';
import { ConflictError, ForbiddenError } from '#core/errors.js';
import { partnersFor } from '#core/routing.js';
import { campaignBody, partnerView as partner } from './fixtures.js';

describe('campaign state machine', () => {
  const table: [CampaignAction, string, string][] = [
    ['submit', 'draft', 'pending_approval'],
    ['submit', 'rejected', 'pending_approval'],
    ['approve', 'pending_approval', 'scheduled'],
    ['reject', 'pending_approval', 'rejected'],
    ['pause', 'scheduled', 'paused'],
    ['pause', 'sending', 'paused'],
    ['cancel', 'paused', 'cancelled'],
    ['start', 'scheduled', 'sending'],
    ['complete', 'sending', 'completed'],
  ];
  it.each(table)('%s takes a %s campaign to %s', (action, from, to) => {
    expect(() => assertTransition(action, from as never)).not.toThrow();
    expect(nextStatus(action, {})).toBe(to);
  });

  it('resumes to scheduled before the start and to sending after it', () => {
    expect(nextStatus('resume', {})).toBe('scheduled');
    expect(nextStatus('resume', { startedAt: '2027-07-30T01:00:00Z' })).toBe('sending');
  });

  const actions: CampaignAction[] = [
    'submit',
    'approve',
    'reject',
    'pause',
    'resume',
    'cancel',
    'start',
    'complete',
  ];
  const forbidden = actions.flatMap((action) =>
    CAMPAIGN_STATUSES.filter((status) => !allowedFrom(action).includes(status)).map(
      (status) => [action, status] as const,
    ),
  );
  it.each(forbidden)('refuses to %s a %s campaign with a conflict', (action, status) => {
    expect(() => assertTransition(action, status)).toThrow(ConflictError);
  });

  it('never leaves a terminal status', () => {
    for (const status of ['completed', 'cancelled', 'failed'] as const) {
      expect(actions.filter((action) => allowedFrom(action).includes(status))).toEqual([]);
    }
  });
});

describe('routing', () => {
  const viettel = partner('viettel', ['viettel']);
  const any = partner('any', ['*']);
  const disabled = partner('off', ['viettel'], { enabled: false });

  it('prefers a partner listing the carrier, then one listing "*"', () => {
    expect(partnersFor('viettel', [any, viettel, disabled]).map((p) => p.id)).toEqual(['viettel', 'any']);
    expect(partnersFor('itel', [any, viettel]).map((p) => p.id)).toEqual(['any']);
  });

  it('finds nobody for a carrier no enabled partner serves', () => {
    expect(partnersFor('reddi', [viettel, disabled])).toEqual([]);
  });

  it('keeps to the partners a campaign allows', () => {
    expect(partnersFor('viettel', [any, viettel], ['any']).map((p) => p.id)).toEqual(['any']);
  });
});

describe('campaign estimate', () => {
  async function* chunks(...lists: AudienceMember[][]) {
    yield* lists;
  }
  const member = (phone: string, carrier: AudienceMember['carrier'], province?: string): AudienceMember => ({
    phone,
    carrier,
    ...(province ? { province } : {}),
  });
  const now = new Date('2027-07-01T00:00:00Z');

  it('counts each phone once across chunks, suppresses opt-outs, flags unroutable, prices by partner', async () => {
    const estimate = await estimateCampaign(
      { message: 'Goi 111', shortLinkLength: 32 },
      chunks(
        [member('+84981000001', 'viettel'), member('+84911000002', 'vinaphone')],
        [
          member('+84981000001', 'viettel'),
          member('+84551000003', 'reddi'),
          member('+84971000004', 'viettel'),
        ],
      ),
      new Set(['+84971000004']),
      [
        partner('v', ['viettel'], { pricePerSegment: 300 }),
        partner('n', ['vinaphone'], { pricePerSegment: 250 }),
      ],
      now,
    );
    expect(estimate).toMatchObject({
      recipients: 4,
      suppressed: 1,
      unroutable: 1,
      sendable: 2,
      byCarrier: { viettel: 1, vinaphone: 1 },
      encoding: 'GSM-7',
      segmentsPerMessage: 1,
      totalSegments: 2,
      cost: 550,
      estimatedAt: now.toISOString(),
    });
  });

  it('filters by province ignoring case, spacing and Unicode form', async () => {
    const decomposed = 'Bắc Kạn'.normalize('NFD');
    const estimate = await estimateCampaign(
      { message: 'x', filters: { provinces: ['  bắc kạn '] }, shortLinkLength: 32 },
      chunks([
        member('+84981000001', 'viettel', decomposed),
        member('+84981000002', 'viettel', 'Hà Giang'),
        member('+84981000003', 'viettel'),
      ]),
      new Set(),
      [partner('v', ['viettel'])],
      now,
    );
    expect(estimate.recipients).toBe(1);
  });
});

describe('campaign patch schema', () => {
  it('adds nothing that was not sent: no field is defaulted on PATCH', () => {
    expect(CampaignPatch.parse({})).toEqual({});
    expect(CampaignPatch.parse({ name: 'Khác' })).toEqual({ name: 'Khác' });
  });

  it('still defaults the time zone when a campaign is created', () => {
    const created = CampaignInput.parse(campaignBody);
    expect(created.timeZone).toBe('Asia/Ho_Chi_Minh');
  });
});

describe('schedule input', () => {
  it('offers an explicit "as soon as approved" schedule and nothing looser', () => {
    expect(ScheduleInput.safeParse({ asap: true }).success).toBe(true);
    expect(ScheduleInput.safeParse({ asap: false }).success).toBe(false);
    expect(ScheduleInput.safeParse({ asap: true, repeat: 'yearly' }).success).toBe(false);
    expect(ScheduleInput.safeParse({ asap: true, sendAt: '2027-07-30T08:00:00+07:00' }).success).toBe(false);
  });
});

describe('four-eyes review', () => {
  const campaign = { createdBy: 'officer', editedBy: ['approver-a'], submittedBy: 'approver-b' };

  it.each([
    ['the creator', 'officer', 'you created it'],
    ['an editor', 'approver-a', 'you edited it'],
    ['the submitter', 'approver-b', 'you submitted it'],
  ])('bars %s from approving or rejecting', (_who, userId, reason) => {
    expect(reviewBarReason(campaign, userId)).toBe(reason);
    expect(() => assertMayReview(campaign, userId, 'approve')).toThrow(ForbiddenError);
    expect(() => assertMayReview(campaign, userId, 'reject')).toThrow(reason);
  });

  it('lets anybody who did not touch it review it', () => {
    expect(reviewBarReason(campaign, 'approver-c')).toBeUndefined();
    expect(() => assertMayReview(campaign, 'approver-c', 'approve')).not.toThrow();
  });

  it('records each editor once, after the creator', () => {
    const start = { createdBy: 'officer', editedBy: [] };
    const once = withEditor(start, 'approver-a');
    expect(once).toEqual(['approver-a']);
    expect(withEditor({ ...start, editedBy: once }, 'approver-a')).toEqual(['approver-a']);
    expect(withEditor({ ...start, editedBy: once }, 'officer')).toEqual(['approver-a']);
    expect(withEditor({ ...start, editedBy: once }, 'officer-b')).toEqual(['approver-a', 'officer-b']);
  });
});
