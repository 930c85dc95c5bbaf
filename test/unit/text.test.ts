import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { AudienceInput } from '#core/audience.js';
import { CampaignPatch, RejectInput } from '#core/campaign.js';
import { OptOutInput } from '#core/opt-out.js';
import { PartnerInput } from '#core/partner.js';

const partner = {
  name: 'Viettel Hà Nội',
  webhookUrl: 'https://sms.viettel.example/v1/batches',
  carriers: ['viettel'],
  tps: 200,
  senderId: 'BOCONGAN',
};

/** Each field of people's text, with the rest of a valid body around it. */
const names: [string, z.ZodType, (text: string) => unknown][] = [
  ['audience name', AudienceInput, (name) => ({ name })],
  ['partner name', PartnerInput, (name) => ({ ...partner, name })],
  ['campaign name', CampaignPatch, (name) => ({ name })],
];
const freeTexts: [string, z.ZodType, (text: string) => unknown][] = [
  ['audience description', AudienceInput, (description) => ({ name: 'A', description })],
  ['rejection reason', RejectInput, (reason) => ({ reason })],
  ['opt-out reason', OptOutInput, (reason) => ({ phone: '0981234567', reason })],
];

const CONTROLS: [string, string][] = [
  ['NUL', '\u0000'],
  ['BEL', '\u0007'],
  ['ESC', '\u001b'],
  ['DEL', '\u007f'],
  ['C1 NEL', '\u0085'],
  ['C1 CSI', '\u009b'],
];

describe('people’s text refuses control characters', () => {
  it.each(
    names.flatMap(([what, schema, body]) =>
      CONTROLS.map(([c, ch]) => [what, c, schema, body(`Bắc${ch}Kạn`)] as const),
    ),
  )('refuses a %s holding %s', (_what, _c, schema, body) => {
    expect(schema.safeParse(body).success).toBe(false);
  });

  it.each(names)('refuses a line break or tab in a %s', (_what, schema, body) => {
    for (const ch of ['\n', '\r', '\t']) expect(schema.safeParse(body(`Bắc${ch}Kạn`)).success).toBe(false);
  });

  it.each(
    freeTexts.flatMap(([what, schema, body]) =>
      CONTROLS.map(([c, ch]) => [what, c, schema, body(`Lý do${ch}.`)] as const),
    ),
  )('refuses a %s holding %s', (_what, _c, schema, body) => {
    expect(schema.safeParse(body).success).toBe(false);
  });

  it.each(freeTexts)('keeps line breaks and tabs in a %s', (_what, schema, body) => {
    expect(schema.safeParse(body('Dòng một\r\nDòng hai\n\tthụt lề')).success).toBe(true);
  });

  it.each([...names, ...freeTexts])('keeps Vietnamese text in a %s exactly', (_what, schema, body) => {
    expect(schema.safeParse(body('Phòng chống mua bán người – Bắc Kạn')).success).toBe(true);
  });

  it('names the field and says why', () => {
    const result = AudienceInput.safeParse({ name: 'a\u0007b' });
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: ['name'],
        message: 'must not contain control characters or line breaks',
      }),
    ]);
  });
});
