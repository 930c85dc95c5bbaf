import * as z from 'zod';
import { TREATMENT_IDS } from './content/assignment.js';
import {
  fallbackText,
  type CampaignSurvey,
  type RecipientText,
  type TextTally,
} from './campaign-estimate.js';
import { maskPhone } from './phone-mask.js';
import { estimateMessage } from './sms-encoding.js';

/** Characters of a previewed text shown at the most (its segments are counted over all of it). */
export const MAX_PREVIEW_CHARACTERS = 2000;

const PreviewText = z
  .object({
    phone: z.string().optional().meta({
      description:
        'The recipient, masked (+8498****321); absent when nobody gets this text, which is then shown with its fallbacks',
    }),
    text: z.string().meta({
      description:
        'What they receive, their own values filled in; `{{link:URL}}` stays as written (it becomes a short link, counted at its length)',
    }),
    truncated: z.boolean().meta({
      description: `True when the text is longer than ${MAX_PREVIEW_CHARACTERS} characters and cut`,
    }),
    encoding: z.enum(['GSM-7', 'UCS-2']),
    characters: z.int().meta({ description: 'Billable length (septets or UTF-16 units)' }),
    segments: z.int(),
    missing: z
      .array(z.string())
      .meta({ description: 'Keys of fields the text needs that this recipient has no value for' }),
  })
  .meta({ id: 'PreviewText' });
type PreviewText = z.output<typeof PreviewText>;

export const CampaignPreview = z
  .object({
    campaignId: z.string(),
    sendable: z.int().meta({ description: 'Recipients who get a text (as in the estimate)' }),
    holdout: z.int().meta({ description: 'Recipients held out: they get nothing' }),
    texts: z
      .array(
        z.object({
          treatment: z.enum(TREATMENT_IDS).meta({ description: '`A` when the campaign has no treatments' }),
          language: z.string(),
          recipients: z.int().meta({ description: 'Sendable recipients who get this text' }),
          example: PreviewText.meta({ description: 'The first recipient who gets it' }),
          worst: PreviewText.optional().meta({
            description:
              'The recipient whose text has the most segments (then characters): the worst case of the cost. Absent when nobody gets it',
          }),
        }),
      )
      .meta({
        description:
          'Each treatment × language of the campaign (at most 4 × 9), `vi` first within a treatment; segments counted with the values the recipients actually hold',
      }),
    previewedAt: z.iso.datetime(),
  })
  .meta({ id: 'CampaignPreview' });
export type CampaignPreview = z.output<typeof CampaignPreview>;

const shown = (text: RecipientText): PreviewText => ({
  phone: maskPhone(text.phone),
  text: text.text.slice(0, MAX_PREVIEW_CHARACTERS),
  truncated: text.text.length > MAX_PREVIEW_CHARACTERS,
  encoding: text.encoding,
  characters: text.characters,
  segments: text.segments,
  missing: [...text.missing],
});

const asWritten = (tally: TextTally, shortLinkLength: number): PreviewText => {
  const { text, missing } = fallbackText(tally.text);
  const measured = estimateMessage(text, { shortLinkLength });
  return {
    text: text.slice(0, MAX_PREVIEW_CHARACTERS),
    truncated: text.length > MAX_PREVIEW_CHARACTERS,
    encoding: measured.encoding,
    characters: measured.characters,
    segments: measured.segments,
    missing,
  };
};

/**
 * What the recipients of a campaign read: for each treatment and language, a real recipient's text and
 * the worst case, phones always masked (whoever asks: a preview is for reading the text, not the list).
 * A text nobody gets is shown with its fallbacks and required fields empty.
 */
export const previewOf = (
  campaignId: string,
  survey: CampaignSurvey,
  shortLinkLength: number,
  now: Date,
): CampaignPreview => ({
  campaignId,
  sendable: survey.sendable,
  holdout: survey.holdout,
  texts: survey.texts.map((tally) => ({
    treatment: tally.treatment,
    language: tally.language,
    recipients: tally.recipients,
    example: tally.example ? shown(tally.example) : asWritten(tally, shortLinkLength),
    ...(tally.worst ? { worst: shown(tally.worst) } : {}),
  })),
  previewedAt: now.toISOString(),
});
