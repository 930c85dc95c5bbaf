import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AudienceId, SubscribersInput } from '#core/audience.js';
import { CampaignInput } from '#core/campaign.js';
import { detail, NotFoundError, PayloadTooLargeError, ValidationError } from '#core/errors.js';
import {
  CATALOGUE,
  DETAIL_CODES,
  LANGS,
  MESSAGE_CODES,
  detailMessage,
  fieldLabel,
  languageOf,
  messageFor,
  placeholdersOf,
} from '#core/messages.js';
import { PhoneNumber } from '#core/opt-out.js';
import { PartnerInput } from '#core/partner.js';
import { errorResult } from '#http/api.js';
import { issuesToDetails } from '#http/request.js';
import { itMaps } from './cases.js';

describe('languageOf(Accept-Language)', () => {
  itMaps('%j → %s', languageOf, [
    [undefined, 'en'],
    ['', 'en'],
    ['vi', 'vi'],
    ['vi-VN', 'vi'],
    ['VI-vn', 'vi'],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7', 'vi'],
    ['en;q=0.5, vi;q=0.8', 'vi'],
    ['vi;q=0.3, en;q=0.9', 'en'],
    ['fr-FR, vi;q=0.5', 'vi'],
    ['fr-FR, de', 'en'],
    ['vi;q=0', 'en'],
    ['*', 'en'],
    ['vi;q=0.0, en;q=0.1', 'en'],
    ['en, vi', 'en'],
  ]);
});

describe('the catalogue', () => {
  it.each(MESSAGE_CODES.map((code) => [code] as const))(
    '%s has an English and a Vietnamese text with the same parameters',
    (code) => {
      const entry = CATALOGUE[code];
      for (const lang of LANGS) expect(entry[lang].trim(), lang).not.toBe('');
      expect(placeholdersOf(entry.vi).sort()).toEqual(placeholdersOf(entry.en).sort());
      expect(entry.vi).not.toBe(entry.en);
    },
  );

  it.each(MESSAGE_CODES.map((code) => [code] as const))(
    '%s leaves no parameter unfilled when given all it names',
    (code) => {
      const params = Object.fromEntries(placeholdersOf(CATALOGUE[code].en).map((name) => [name, 7]));
      for (const lang of LANGS) expect(messageFor(code, params, lang)).not.toMatch(/\{\w+\}/);
    },
  );

  it('fills parameters, translating words and writing numbers the Vietnamese way', () => {
    expect(messageFor('too_small', { minimum: 3, unit: 'characters' }, 'en')).toBe(
      'must be at least 3 characters',
    );
    expect(messageFor('too_small', { minimum: 3, unit: 'characters' }, 'vi')).toBe('phải từ 3 ký tự trở lên');
    expect(messageFor('too_many_rows', { maximum: 100_000 }, 'en')).toBe(
      'must hold at most 100000 rows; split the import',
    );
    expect(messageFor('too_many_rows', { maximum: 100_000 }, 'vi')).toMatch(/^tối đa 100\.000 dòng/);
    expect(messageFor('invalid_type', { expected: 'number' }, 'vi')).toBe('phải là số');
    expect(messageFor('place_too_long', { field: 'province', maximum: 100 }, 'vi')).toBe(
      'tên tỉnh, thành phố dài quá 100 ký tự',
    );
  });

  it('keeps a parameter that is missing visible rather than failing', () => {
    expect(messageFor('opted_out', {}, 'en')).toBe('{phone} is opted out');
  });

  it('has Vietnamese codes for the phone reasons the issue names', () => {
    expect(DETAIL_CODES).toEqual(
      expect.arrayContaining(['landline', 'too_short', 'too_long', 'not_vietnamese', 'invalid_characters']),
    );
  });
});

describe('detail messages in Vietnamese name the field', () => {
  it('says "Lịch gửi: thời điểm đã qua" for a past sendAt (glossary)', () => {
    expect(detailMessage(detail('schedule.sendAt', 'past_send_at'), 'vi')).toBe('Lịch gửi: thời điểm đã qua');
  });

  it('keeps English as the API always wrote it, without the field', () => {
    expect(detailMessage(detail('schedule.sendAt', 'past_send_at'), 'en')).toBe('must not be in the past');
  });

  it.each([
    ['name', 'Tên'],
    ['message', 'Nội dung tin nhắn'],
    ['phone', 'Số thuê bao'],
    ['audienceIds.0', 'Danh sách người nhận (mục 1)'],
    ['subscribers.4.phone', 'Số thuê bao'],
    ['webhook-id', 'webhook-id'],
  ])('labels %s as %s', (path, label) => {
    expect(fieldLabel(path, 'vi')).toBe(label);
  });

  it('puts no label before a whole-body problem', () => {
    expect(detailMessage(detail('(body)', 'csv_no_rows'), 'vi')).toBe(
      'Tệp có dòng tiêu đề nhưng không có dòng thuê bao nào',
    );
  });
});

describe('zod issues get catalogue codes', () => {
  const detailsOf = (schema: z.ZodType, value: unknown) => {
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) throw new Error('expected the value to be invalid');
    return issuesToDetails(result.error.issues);
  };

  it.each([
    ['a missing field', z.strictObject({ name: z.string() }), {}, 'required', undefined],
    ['a wrong type', z.strictObject({ n: z.number() }), { n: 'x' }, 'invalid_type', { expected: 'number' }],
    [
      'a short string',
      z.strictObject({ s: z.string().min(3) }),
      { s: 'a' },
      'too_small',
      { minimum: 3, unit: 'characters' },
    ],
    [
      'a long array',
      z.strictObject({ a: z.array(z.int()).max(1) }),
      { a: [1, 2] },
      'too_big',
      { maximum: 1, unit: 'items' },
    ],
    [
      'a big number',
      z.strictObject({ n: z.number().max(9) }),
      { n: 10 },
      'too_big',
      { maximum: 9, unit: '' },
    ],
    ['a bad format', z.strictObject({ u: z.url() }), { u: 'nope' }, 'invalid_format', { format: 'url' }],
    [
      'a value not in an enum',
      z.strictObject({ e: z.enum(['a', 'b']) }),
      { e: 'c' },
      'invalid_value',
      { values: 'a, b' },
    ],
    ['an unknown field', z.strictObject({}), { x: 1 }, 'unrecognized_keys', undefined],
    [
      'a plain refinement',
      z.strictObject({ s: z.string().refine(() => false) }),
      { s: '' },
      'invalid_input',
      undefined,
    ],
  ])('%s → %s', (_case, schema, value, code, params) => {
    const [first] = detailsOf(schema, value);
    expect(first?.code).toBe(code);
    expect(first?.params).toEqual(params);
  });

  it.each([
    [
      'a partner id',
      PartnerInput,
      { name: 'x', webhookUrl: 'https://a.b', carriers: ['*'], tps: 1, senderId: 'X', extra: 1 },
      'unrecognized_keys',
    ],
    [
      'a bad sender id',
      PartnerInput.pick({ senderId: true }),
      { senderId: 'far too long a brandname' },
      'invalid_sender_id',
    ],
    [
      'a bad webhook URL',
      PartnerInput.pick({ webhookUrl: true }),
      { webhookUrl: 'ftp://a.b' },
      'invalid_http_url',
    ],
    [
      'a repeated carrier',
      PartnerInput.pick({ carriers: true }),
      { carriers: ['viettel', 'viettel'] },
      'duplicate_carrier',
    ],
    ['an audience id', AudienceId, 'nope', 'invalid_audience_id'],
    ['no subscribers', SubscribersInput, { subscribers: [] }, 'no_subscribers'],
    [
      'a name with a line break',
      CampaignInput.pick({ name: true }),
      { name: 'a\nb' },
      'line_break_or_control',
    ],
    ['an empty message', CampaignInput.pick({ message: true }), { message: '' }, 'empty'],
    [
      'a bad schedule',
      CampaignInput.pick({ schedule: true }),
      { schedule: { when: 'now' } },
      'invalid_schedule',
    ],
    ['a landline to opt out', PhoneNumber, '024 3123 4567', 'landline'],
    ['too few digits to opt out', PhoneNumber, '123', 'too_short'],
  ])('a schema’s own message keeps its code: %s → %s', (_case, schema, value, code) => {
    expect(detailsOf(schema, value).map((d) => d.code)).toContain(code);
  });

  it('keeps the parameters of a custom issue', () => {
    const [first = detail('phone', 'invalid_input')] = detailsOf(PhoneNumber, '+1 202 555 0123');
    expect(first).toMatchObject({ code: 'not_vietnamese', params: { countryCode: '1' } });
    expect(detailMessage({ ...first, path: 'phone' }, 'vi')).toBe(
      'Số thuê bao: Mã quốc gia +1 không phải của Việt Nam (+84)',
    );
  });
});

describe('errorResult in a language', () => {
  const bodyOf = (result: { body?: string }) =>
    JSON.parse(result.body ?? '') as {
      error: { code: string; message: string; details?: { path: string; code: string; message: string }[] };
    };

  it('answers details with their codes, in Vietnamese when asked', () => {
    const error = new ValidationError('The schedule is in the past', [
      detail('schedule.sendAt', 'past_send_at'),
    ]);
    expect(bodyOf(errorResult(error, 'vi')).error).toEqual({
      code: 'validation_failed',
      message: 'Dữ liệu gửi lên không hợp lệ',
      details: [{ path: 'schedule.sendAt', code: 'past_send_at', message: 'Lịch gửi: thời điểm đã qua' }],
    });
    expect(bodyOf(errorResult(error)).error).toEqual({
      code: 'validation_failed',
      message: 'The schedule is in the past',
      details: [{ path: 'schedule.sendAt', code: 'past_send_at', message: 'must not be in the past' }],
    });
  });

  it('says a top-level message with parameters in Vietnamese', () => {
    expect(bodyOf(errorResult(new PayloadTooLargeError(1024), 'vi')).error.message).toBe(
      'Nội dung yêu cầu lớn hơn 1.024 byte',
    );
    expect(bodyOf(errorResult(new NotFoundError('Campaign x'), 'vi')).error).toEqual({
      code: 'not_found',
      message: 'Không tìm thấy dữ liệu yêu cầu',
    });
  });

  it('counts the problems left out in Vietnamese too', () => {
    const details = Array.from({ length: 101 }, (_, i) => detail(`f${i}`, 'unrecognized_keys'));
    expect(
      bodyOf(errorResult(new ValidationError('Invalid request body', details), 'vi')).error.message,
    ).toBe('Dữ liệu gửi lên không hợp lệ (còn 1 lỗi khác không liệt kê)');
  });

  it('hides a 500 in Vietnamese as in English', () => {
    expect(bodyOf(errorResult(new Error('secret'), 'vi')).error).toEqual({
      code: 'internal_error',
      message: 'Đã có lỗi ở phía hệ thống',
    });
  });
});
