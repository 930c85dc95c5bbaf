import * as z from 'zod';
import type { Carrier } from '#core/carriers.js';
import { foldAccents } from '#core/fold-accents.js';
import { eventsBody } from './envelope.js';

/** Contract §8 "Partners send": subscribers' SMS replies a partner passes on. */

export const MAX_INBOUND_PER_REQUEST = 1000;

export const InboundMessage = z
  .strictObject({
    id: z
      .string()
      .min(1)
      .max(100)
      .meta({ description: 'The partner’s id of the message; a repeated id is recorded once' }),
    from: z.string().min(1).max(40).meta({ example: '0981234567' }),
    text: z.string().max(2000).meta({ example: 'Từ chối' }),
    at: z.iso.datetime({ offset: true }).meta({ example: '2027-07-30T08:05:00+07:00' }),
  })
  .meta({ id: 'InboundMessage' });
export type InboundMessage = z.infer<typeof InboundMessage>;

export const InboundInput = eventsBody('InboundInput', 'messages', InboundMessage, MAX_INBOUND_PER_REQUEST);

export const InboundAnswer = z
  .object({
    processed: z.int().meta({ description: 'Messages recorded now' }),
    duplicates: z.int().meta({ description: 'Messages whose id was recorded before (nothing done again)' }),
    optOuts: z.int().meta({ description: 'Messages that were opt-out keywords (the phone is opted out)' }),
    optOutsRefused: z.array(z.object({ id: z.string(), reason: z.string() })).meta({
      description:
        'Opt-out keywords recorded as replies but not as opt-outs: the phone is neither on one of this ' +
        'partner’s carriers nor was it handed to this partner in the last 7 days (or is not a mobile number)',
    }),
  })
  .meta({ id: 'InboundAnswer' });

export type OptOutRefused = { id: string; reason: string };

/**
 * Whether a partner may opt a phone out by passing on its reply: the phone is on one of its carriers (`*`:
 * all), or a message to it was handed to this partner in the reply window (`handed`). `carrier` undefined:
 * the sender is not a Vietnamese mobile number.
 */
export const optOutRefusal = (
  served: readonly (Carrier | '*')[],
  carrier: Carrier | undefined,
  handed: boolean,
): { allowed: true } | { allowed: false; reason: string } => {
  if (!carrier) return { allowed: false, reason: 'from is not a Vietnamese mobile number' };
  if (served.includes('*') || served.includes(carrier) || handed) return { allowed: true };
  return {
    allowed: false,
    reason: `a ${carrier} number: not on this partner's carriers (${served.join(', ') || 'none'}) and not handed to it in the last 7 days`,
  };
};

export const Reply = z
  .object({
    partnerId: z.string(),
    id: z.string(),
    from: z.string().meta({ description: 'E.164; masked (+8498****321) for planners' }),
    text: z.string(),
    at: z.iso.datetime(),
    receivedAt: z.iso.datetime(),
    campaignId: z.string().optional(),
    optOut: z.boolean(),
    optOutRefused: z
      .string()
      .optional()
      .meta({ description: 'Why an opt-out keyword did not opt the phone out (see InboundAnswer)' }),
  })
  .meta({ id: 'Reply' });

/** What we keep of an inbound message (the `Inbound` item of the shared data model). */
/** An inbound message as it is recorded (and stored: the table's codec reads items with this schema). */
export const InboundRecord = z.object({
  partnerId: z.string(),
  id: z.string(),
  /** E.164 when the sender's number could be normalised; else as the partner sent it. */
  from: z.string(),
  text: z.string(),
  at: z.string(),
  receivedAt: z.string(),
  campaignId: z.string().optional(),
  /** The language variant and A/B treatment of the campaign message it answers, for the metrics. */
  lang: z.string().optional(),
  treatment: z.string().optional(),
  optOut: z.boolean(),
  /** Why an opt-out keyword did not opt the phone out (the partner may not speak for this phone). */
  optOutRefused: z.string().optional(),
});
export type Inbound = z.output<typeof InboundRecord>;

export const OPT_OUT_KEYWORDS = ['TUCHOI', 'TC', 'HUY', 'DUNG', 'STOP'] as const;
const KEYWORDS: ReadonlySet<string> = new Set(OPT_OUT_KEYWORDS);

/**
 * A reply reduced to what the keyword check compares: Vietnamese accents dropped (NFD, combining marks
 * removed, đ → d), upper case, and no spaces or punctuation. "Từ chối!" → "TUCHOI".
 */
export const keywordForm = (text: string): string =>
  foldAccents(text)
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

/** Whether a reply is an opt-out keyword (TU CHOI, TUCHOI, TC, HUY, DUNG, STOP; contract §8). */
export const isOptOutReply = (text: string): boolean => KEYWORDS.has(keywordForm(text));
