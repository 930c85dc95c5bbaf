import { describe, expect, it } from 'vitest';
import { auditAction, auditActor, auditDetails, type AuditEntry } from '../src/admin/audit-describe.js';
import {
  emptyPartnerForm,
  partnerBody,
  partnerFormOf,
  toggleCarrier,
  type Partner,
} from '../src/admin/partner-form.js';
import { en } from '../src/i18n/en.js';
import { vi } from '../src/i18n/vi.js';

const partner: Partner = {
  id: 'viettel-hn',
  name: 'Viettel Hà Nội',
  kind: 'webhook',
  webhookUrl: 'https://sms.viettel.example/v1/batches',
  carriers: ['viettel'],
  tps: 200,
  maxBatchSize: 100,
  senderId: 'BOCONGAN',
  pricePerSegment: 350,
  currency: 'VND',
  enabled: true,
  createdAt: '2027-07-01T00:00:00.000Z',
  updatedAt: '2027-07-01T00:00:00.000Z',
  secretRotatedAt: '2027-07-01T00:00:00.000Z',
};

describe('the partner form', () => {
  it('keeps "every carrier" alone: ticking it clears the others, ticking a carrier clears it', () => {
    expect(toggleCarrier(['viettel', 'mobifone'], '*', true)).toEqual(['*']);
    expect(toggleCarrier(['*'], 'mobifone', true)).toEqual(['mobifone']);
    expect(toggleCarrier(['mobifone'], 'viettel', true)).toEqual(['viettel', 'mobifone']);
    expect(toggleCarrier(['viettel', 'mobifone'], 'viettel', false)).toEqual(['mobifone']);
    expect(toggleCarrier(['*'], '*', false)).toEqual([]);
  });

  it('sends a partner back as it came, with the edits made', () => {
    const form = { ...partnerFormOf(partner), tps: '500', enabled: false };
    expect(partnerBody(form)).toEqual({
      body: {
        name: 'Viettel Hà Nội',
        kind: 'webhook',
        webhookUrl: 'https://sms.viettel.example/v1/batches',
        senderId: 'BOCONGAN',
        carriers: ['viettel'],
        tps: 500,
        maxBatchSize: 100,
        pricePerSegment: 350,
        currency: 'VND',
        enabled: false,
      },
    });
  });

  it('refuses a half-typed number at its field instead of sending 0', () => {
    const form = { ...emptyPartnerForm(), tps: '', maxBatchSize: '12.5', pricePerSegment: 'abc' };
    expect(partnerBody(form)).toEqual({
      problems: { tps: 'required', maxBatchSize: 'not_integer', pricePerSegment: 'not_number' },
    });
  });

  it('reads a price written with a decimal comma', () => {
    const result = partnerBody({ ...emptyPartnerForm(), pricePerSegment: '350,5' });
    expect(result).toMatchObject({ body: { pricePerSegment: 350.5 } });
  });
});

const entry = (fields: Partial<AuditEntry>): AuditEntry => ({
  id: 'a1',
  campaignId: 'c1',
  action: 'approve',
  from: 'pending_approval',
  to: 'scheduled',
  actor: 'phe-duyet@local',
  at: '2027-07-01T01:00:00.000Z',
  ...fields,
});

describe('an audit entry in plain words', () => {
  it('names the action and the status it moved between', () => {
    expect(auditAction(entry({}), vi)).toBe('Phê duyệt');
    expect(auditDetails(entry({}), vi)).toEqual(['Chờ phê duyệt → Đã lên lịch']);
    expect(auditDetails(entry({}), en)).toEqual(['Pending approval → Scheduled']);
  });

  it('gives the reason of a rejection and the fields an edit changed, in the review page’s words', () => {
    expect(
      auditDetails(entry({ action: 'reject', to: 'rejected', reason: 'Thiếu số Tổng đài 111' }), vi),
    ).toEqual(['Chờ phê duyệt → Bị từ chối', 'Lý do: Thiếu số Tổng đài 111']);
    expect(
      auditDetails(
        entry({ action: 'update', from: 'draft', to: 'draft', fields: ['message', 'schedule'] }),
        vi,
      ),
    ).toEqual(['Các mục đã sửa: Nội dung tin nhắn, Lịch gửi']);
  });

  it('shows a creation’s first status, a test send’s masked phones and text, and the system as actor', () => {
    const created = entry({ action: 'create', to: 'draft', actor: 'system' });
    delete created.from;
    expect(auditDetails(created, vi)).toEqual(['Trạng thái: Bản nháp']);
    expect(auditActor(created, vi)).toBe('Hệ thống');
    expect(
      auditDetails(
        entry({ action: 'test', from: 'draft', to: 'draft', phones: ['+8498****321'], message: 'Gọi 111' }),
        vi,
      ),
    ).toEqual(['Gửi tới: +8498****321', 'Nội dung: Gọi 111']);
  });

  it('shows an action it does not know by its API name rather than nothing', () => {
    expect(auditAction(entry({ action: 'archive' }), vi)).toBe('archive');
  });
});
