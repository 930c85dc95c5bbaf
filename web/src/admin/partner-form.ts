import { CARRIERS, type Carrier } from '../../../functions/core/carriers.js';
import type { Schemas } from '../api/client.js';

export type Partner = Schemas['Partner'];
export type PartnerInput = Schemas['PartnerInput.input'];
export { CARRIERS, type Carrier };
/** A carrier the partner serves, or every carrier. */
export type CarrierChoice = PartnerInput['carriers'][number];

/** Every carrier, as the API writes it (contract §3). */
export const ALL_CARRIERS = '*' satisfies CarrierChoice;
/** The carrier boxes of the form, "every carrier" first. */
export const CARRIER_CHOICES: readonly CarrierChoice[] = [ALL_CARRIERS, ...CARRIERS];

/**
 * The partner form as the admin types it: numbers stay text until sent, so a half-typed number is shown
 * as typed and refused at its field rather than silently turned into 0. Kind and currency are not on the
 * form; an edit keeps the partner's own.
 */
export interface PartnerForm {
  id: string;
  name: string;
  webhookUrl: string;
  senderId: string;
  /** `['*']` for every carrier, else the chosen ones in the catalogue's order. */
  carriers: CarrierChoice[];
  tps: string;
  maxBatchSize: string;
  pricePerSegment: string;
  enabled: boolean;
  kind: PartnerInput['kind'];
  currency: string;
}

export const NUMBER_FIELDS = ['tps', 'maxBatchSize', 'pricePerSegment'] as const;
export type NumberField = (typeof NUMBER_FIELDS)[number];
export const PARTNER_FIELDS = [
  'id',
  'name',
  'webhookUrl',
  'senderId',
  'carriers',
  ...NUMBER_FIELDS,
  'enabled',
] as const;

export const emptyPartnerForm = (): PartnerForm => ({
  id: '',
  name: '',
  webhookUrl: '',
  senderId: '',
  carriers: [ALL_CARRIERS],
  tps: '50',
  maxBatchSize: '100',
  pricePerSegment: '0',
  enabled: true,
  kind: 'webhook',
  currency: 'VND',
});

export const partnerFormOf = (partner: Partner): PartnerForm => ({
  id: partner.id,
  name: partner.name,
  webhookUrl: partner.webhookUrl,
  senderId: partner.senderId,
  carriers: [...partner.carriers],
  tps: String(partner.tps),
  maxBatchSize: String(partner.maxBatchSize),
  pricePerSegment: String(partner.pricePerSegment),
  enabled: partner.enabled,
  kind: partner.kind,
  currency: partner.currency,
});

/**
 * The carriers after ticking or unticking one box: "every carrier" stands alone (ticking it clears the
 * others, ticking a carrier clears it), and the list keeps the catalogue's order.
 */
export const toggleCarrier = (
  current: readonly CarrierChoice[],
  carrier: CarrierChoice,
  checked: boolean,
): CarrierChoice[] => {
  if (carrier === ALL_CARRIERS) return checked ? [ALL_CARRIERS] : [];
  const chosen = new Set(current.filter((c) => c !== ALL_CARRIERS));
  if (checked) chosen.add(carrier);
  else chosen.delete(carrier);
  return CARRIERS.filter((c) => chosen.has(c));
};

/** What is wrong with a number as typed, before the API sees it: the API says the rest (ranges). */
export type NumberProblem = 'required' | 'not_integer' | 'not_number';

const INTEGER_FIELDS: readonly NumberField[] = ['tps', 'maxBatchSize'];

const parseNumber = (field: NumberField, text: string): number | NumberProblem => {
  const trimmed = text.trim().replace(',', '.');
  if (!trimmed) return 'required';
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return 'not_number';
  if (INTEGER_FIELDS.includes(field) && !Number.isInteger(value)) return 'not_integer';
  return value;
};

/** The PUT body the form stands for, or the number fields it cannot send yet and why. */
export const partnerBody = (
  form: PartnerForm,
): { body: PartnerInput } | { problems: Partial<Record<NumberField, NumberProblem>> } => {
  const numbers: Partial<Record<NumberField, number>> = {};
  const problems: Partial<Record<NumberField, NumberProblem>> = {};
  for (const field of NUMBER_FIELDS) {
    const parsed = parseNumber(field, form[field]);
    if (typeof parsed === 'number') numbers[field] = parsed;
    else problems[field] = parsed;
  }
  if (Object.keys(problems).length) return { problems };
  return {
    body: {
      name: form.name,
      kind: form.kind,
      webhookUrl: form.webhookUrl.trim(),
      senderId: form.senderId,
      carriers: form.carriers,
      tps: numbers.tps ?? 0,
      maxBatchSize: numbers.maxBatchSize ?? 0,
      pricePerSegment: numbers.pricePerSegment ?? 0,
      currency: form.currency,
      enabled: form.enabled,
    },
  };
};
