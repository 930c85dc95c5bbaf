import { describe, expect, it } from 'vitest';
import type { Campaign } from '../src/api/client.js';
import { emptyTargeting } from '../src/targeting.js';
import {
  campaignBody,
  campaignPatch,
  emptyForm,
  formOf,
  formStartingOn,
  nextOccasionYear,
  resolvedSendAt,
} from '../src/campaign-form.js';

const NOW = new Date('2027-03-01T00:00:00Z');

describe('the campaign editor’s form', () => {
  it('starts on 30/7 of the coming year at 08:00, within 07:00–22:00', () => {
    expect(emptyForm(NOW)).toMatchObject({
      scheduleMode: 'occasion',
      occasion: 'anti-trafficking-day',
      year: 2027,
      time: '08:00',
    });
    expect(nextOccasionYear('anti-trafficking-day', new Date('2027-07-30T02:00:00Z'))).toBe(2028);
    expect(campaignBody(emptyForm(NOW)).sendingWindow).toEqual({ start: '07:00', end: '22:00' });
  });

  it('resolves an occasion to its local moment with the core calendar', () => {
    const form = { ...emptyForm(NOW), occasion: 'peak-period' as const, time: '09:30' };
    expect(resolvedSendAt(form, NOW)?.toISOString()).toBe('2027-07-01T02:30:00.000Z');
  });

  it('turns a local date and time into an instant, and leaves an incomplete one to the API', () => {
    const form = { ...emptyForm(NOW), scheduleMode: 'date' as const, date: '2027-07-30', time: '08:00' };
    expect(campaignBody(form).schedule).toEqual({ sendAt: '2027-07-30T01:00:00.000Z' });
    expect(campaignBody({ ...form, date: '' }).schedule).toEqual({ sendAt: 'T08:00' });
    expect(resolvedSendAt({ ...form, date: '' }, NOW)).toBeUndefined();
  });

  it('builds the body with filters, partners, yearly repeat and no window', () => {
    // What the body carries as the form holds it.
    const asTyped = { name: '30/7 Bắc Kạn', message: 'Gọi 111', audienceIds: ['A', 'B'] };
    const places = { provinces: ['Thái Nguyên', 'Cao Bằng'], communes: ['Xã Bằng Thành'] };
    const form = {
      ...emptyForm(NOW),
      ...asTyped,
      targeting: { ...places, tags: { any: ['vung-bien'], all: [], none: ['hoc-sinh'] } },
      partnerIds: 'sim-viettel',
      repeat: true,
      windowOn: false,
    };
    expect(campaignBody(form)).toEqual({
      ...asTyped,
      filters: { ...places, tags: { any: ['vung-bien'], none: ['hoc-sinh'] } },
      schedule: { occasion: 'anti-trafficking-day', year: 2027, localTime: '08:00', repeat: 'yearly' },
      sendingWindow: null,
      partnerIds: ['sim-viettel'],
      // A new campaign's default, sent as chosen.
      clickTracking: 'aggregate',
    });
    expect(campaignPatch({ ...form, targeting: emptyTargeting() }).filters).toEqual({});
    expect(campaignBody({ ...form, targeting: emptyTargeting() }).filters).toBeUndefined();
  });

  it('sends as soon as approved when the officer asks for it', () => {
    const form = { ...emptyForm(NOW), scheduleMode: 'asap' as const, repeat: true };
    expect(campaignBody(form).schedule).toEqual({ asap: true });
    expect(resolvedSendAt(form, NOW)).toBeUndefined();
  });

  it('reads a saved campaign back into the form', () => {
    const campaign: Campaign = {
      id: 'C1',
      clickTracking: 'recipient',
      name: 'x',
      message: 'y',
      audienceIds: ['A'],
      filters: { provinces: ['Bắc Kạn'] },
      schedule: { occasion: 'anti-trafficking-day', year: 2028, localTime: '07:15' },
      sendAt: '2028-07-30T00:15:00.000Z',
      sendingWindow: null,
      timeZone: 'Asia/Ho_Chi_Minh',
      status: 'draft',
      estimate: {
        recipients: 0,
        suppressed: 0,
        unroutable: 0,
        sendable: 0,
        byCarrier: {},
        encoding: 'GSM-7',
        segmentsPerMessage: 1,
        totalSegments: 0,
        cost: 0,
        currency: 'VND',
        nonGsmCharacters: [],
        estimatedAt: '2027-03-01T00:00:00.000Z',
      },
      createdBy: 'a',
      editedBy: [],
      createdAt: '2027-03-01T00:00:00.000Z',
      updatedAt: '2027-03-01T00:00:00.000Z',
    };
    expect(formOf(campaign, NOW)).toMatchObject({
      scheduleMode: 'occasion',
      year: 2028,
      time: '07:15',
      targeting: { provinces: ['Thái Nguyên'], communes: [], tags: { any: [], all: [], none: [] } },
      windowOn: false,
    });
  });
});

describe('a campaign started from a calendar day', () => {
  // 10:15 on 20/7/2027 in Vietnam.
  const now = new Date('2027-07-20T03:15:00Z');

  it('sends on that day at 08:00 Vietnam time', () => {
    const form = formStartingOn(now, '2027-07-30');
    expect(form).toMatchObject({ scheduleMode: 'date', date: '2027-07-30', time: '08:00' });
    expect(campaignBody(form).schedule).toEqual({ sendAt: '2027-07-30T01:00:00.000Z' });
  });

  it('on today, at the next whole hour at least half an hour ahead', () => {
    expect(formStartingOn(now, '2027-07-20')).toMatchObject({ date: '2027-07-20', time: '11:00' });
  });

  it('ignores a past, malformed or missing day', () => {
    for (const startDate of ['2027-07-19', '2027-13-01', 'ngày mai', null])
      expect(formStartingOn(now, startDate)).toEqual(emptyForm(now));
  });
});
