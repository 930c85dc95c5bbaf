import { describe, expect, it } from 'vitest';
import type { Campaign } from '../src/api/client.js';
import { approvalSentence, approvalStart } from '../src/review/approval-summary.js';

const estimate: Campaign['estimate'] = {
  recipients: 3_120,
  suppressed: 100,
  unroutable: 20,
  sendable: 3_000,
  byCarrier: {},
  encoding: 'UCS-2',
  segmentsPerMessage: 3,
  totalSegments: 9_000,
  cost: 3_150_000,
  currency: 'VND',
  nonGsmCharacters: [],
  estimatedAt: '2027-07-01T00:00:00.000Z',
};
const before = Date.parse('2027-07-29T00:00:00Z');
const after = Date.parse('2027-07-31T00:00:00Z');
const atEight = {
  schedule: { sendAt: '2027-07-30T08:00:00+07:00' },
  sendAt: '2027-07-30T01:00:00.000Z',
  timeZone: 'Asia/Ho_Chi_Minh',
  estimate,
};

describe('the approval confirmation', () => {
  it('states what will be sent and when, in vi-VN, in the campaign time zone', () => {
    expect(approvalSentence(atEight, before)).toBe(
      'Phê duyệt chiến dịch này? Hệ thống sẽ gửi 3.000 tin nhắn (9.000 tin nhắn thành phần, 3.150.000\u00a0₫) lúc 08:00 ngày 30/07/2027.',
    );
    expect(approvalSentence(atEight, before, 'en')).toBe(
      'Approve this campaign? The system will send 3,000 messages (9,000 segments, 3,150,000\u00a0₫) at 08:00 on 30/07/2027.',
    );
  });

  it('says "as soon as approved" for an asap schedule and for a time already passed', () => {
    const asap = { ...atEight, schedule: { asap: true as const } };
    expect(approvalSentence(asap, before)).toBe(
      'Phê duyệt chiến dịch này? Hệ thống sẽ gửi 3.000 tin nhắn (9.000 tin nhắn thành phần, 3.150.000\u00a0₫) ngay khi được phê duyệt.',
    );
    expect(approvalStart(asap, before)).toEqual({ now: 'asap' });
    expect(approvalStart(atEight, after)).toEqual({ now: 'past' });
    expect(approvalSentence(atEight, after)).toContain('ngay khi được phê duyệt.');
    expect(approvalStart(atEight, before)).toEqual({ at: '2027-07-30T01:00:00.000Z' });
  });
});
