import { describe, expect, it } from 'vitest';
import { ApiError, apiErrorFrom, fieldErrors } from '../src/api/errors.js';
import { parseConfig } from '../src/config.js';

describe('API errors in the console', () => {
  it('reads the contract’s error body, details and their codes included', () => {
    const error = apiErrorFrom(400, {
      error: {
        code: 'validation_failed',
        message: 'Invalid body',
        details: [{ path: 'schedule.sendAt', message: 'Lịch gửi: thời điểm đã qua', code: 'past_send_at' }],
      },
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(error.details).toEqual([
      { path: 'schedule.sendAt', message: 'Lịch gửi: thời điểm đã qua', code: 'past_send_at' },
    ]);
  });

  it('still gives an error for a body that is not the contract’s', () => {
    expect(apiErrorFrom(502, 'Bad gateway')).toMatchObject({ status: 502, code: 'http_502', details: [] });
  });

  it('puts each detail beside the field it names, or the nearest enclosing field', () => {
    const error = apiErrorFrom(400, {
      error: {
        code: 'validation_failed',
        message: 'Invalid body',
        details: [
          { path: 'schedule.sendAt', message: 'is in the past' },
          { path: 'name', message: 'too long' },
          { path: 'audienceIds.0', message: 'unknown' },
          { path: 'colour', message: 'is not a known field' },
        ],
      },
    });
    expect(fieldErrors(error, ['name', 'schedule', 'audienceIds'])).toEqual({
      byField: { name: 'too long', schedule: 'is in the past', audienceIds: 'unknown' },
      general: ['colour: is not a known field'],
    });
  });

  it('shows the message of an error without details', () => {
    const error = apiErrorFrom(409, {
      error: { code: 'conflict', message: 'Cannot submit a campaign that is scheduled' },
    });
    expect(fieldErrors(error, ['name'])).toEqual({
      byField: {},
      general: ['Cannot submit a campaign that is scheduled'],
    });
  });
});

describe('config.json', () => {
  it('reads the API base URL and the sign-in mode, falling back to the local runtime', () => {
    const origin = 'http://127.0.0.1:3000';
    expect(
      parseConfig(
        {
          apiBaseUrl: 'https://api.example.gov.vn/',
          signIn: 'cognito',
          shortLinkBaseUrl: 'https://t.gov.vn/',
        },
        origin,
      ),
    ).toEqual({
      apiBaseUrl: 'https://api.example.gov.vn',
      signIn: 'cognito',
      shortLinkBaseUrl: 'https://t.gov.vn',
    });
    expect(parseConfig(null, origin)).toEqual({ apiBaseUrl: '', signIn: 'local', shortLinkBaseUrl: origin });
    expect(parseConfig({ apiBaseUrl: 3, signIn: 'other' }, origin)).toEqual({
      apiBaseUrl: '',
      signIn: 'local',
      shortLinkBaseUrl: origin,
    });
  });
});
