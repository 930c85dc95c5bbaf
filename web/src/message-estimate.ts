import {
  estimateMessage,
  shortLinkLength,
  splitSegments,
  type MessageEstimate,
} from '../../functions/core/sms-encoding.js';
import { parseTemplate } from '../../functions/core/content/template.js';

/**
 * The campaign editor's live estimate, from the core's own encoder (functions/core/sms-encoding.ts, the
 * very code the server counts with), so it follows every keystroke without a round trip. Cost needs the
 * price the server found for this campaign's recipients: known once the draft is saved.
 */
export interface Pricing {
  /** Recipients who will be sent the message (the server's `sendable`). */
  sendable: number;
  /** Average price of one segment for these recipients (cost / totalSegments of the server's estimate). */
  pricePerSegment: number;
  currency: string;
}

export interface LiveEstimate extends MessageEstimate {
  /** Characters (septets / UTF-16 units) still free in the last segment. */
  left: number;
  cost?: number;
  alternative?: { text: string; segments: number; cost?: number; saving?: number };
}

/** A campaign's short link as the preview shows it: the runtime's base and a code of the real length. */
export const EXAMPLE_CODE = 'Ab3dE5fG7hJ9';
export const previewLink = (base: string) => `${base}/l/${EXAMPLE_CODE}`;

export const pricingOf = (estimate: {
  sendable: number;
  totalSegments: number;
  cost: number;
  currency: string;
}): Pricing | undefined =>
  estimate.totalSegments > 0
    ? {
        sendable: estimate.sendable,
        pricePerSegment: estimate.cost / estimate.totalSegments,
        currency: estimate.currency,
      }
    : undefined;

const costOf = (segments: number, pricing: Pricing | undefined) =>
  pricing ? Math.round(pricing.sendable * segments * pricing.pricePerSegment * 100) / 100 : undefined;

export const liveEstimate = (text: string, linkBase: string, pricing?: Pricing): LiveEstimate => {
  const linkLength = shortLinkLength(linkBase);
  const estimate = estimateMessage(text, { shortLinkLength: linkLength });
  const single = estimate.encoding === 'GSM-7' ? 160 : 70;
  const parts = splitSegments(text, { link: () => previewLink(linkBase) });
  const last = parts.at(-1) ?? '';
  const lastCost = estimate.encoding === 'UCS-2' ? last.length : estimateMessage(last).characters;
  const left =
    estimate.segments === 0
      ? single
      : estimate.segments === 1
        ? single - estimate.characters
        : estimate.charactersPerSegment - lastCost;
  const cost = costOf(estimate.segments, pricing);
  const alternative = estimate.gsmAlternative
    ? (() => {
        const altCost = costOf(estimate.gsmAlternative.segments, pricing);
        return {
          text: estimate.gsmAlternative.text,
          segments: estimate.gsmAlternative.segments,
          ...(altCost !== undefined && cost !== undefined ? { cost: altCost, saving: cost - altCost } : {}),
        };
      })()
    : undefined;
  return {
    ...estimate,
    left,
    ...(cost !== undefined ? { cost } : {}),
    ...(alternative ? { alternative } : {}),
  };
};

/** The text cut into runs, those of characters that force UCS-2 marked, for highlighting in place. */
export const nonGsmRuns = (text: string, nonGsm: readonly string[]): { text: string; nonGsm: boolean }[] => {
  const marked = new Set(nonGsm);
  const runs: { text: string; nonGsm: boolean }[] = [];
  for (const char of Array.from(text.normalize('NFC'))) {
    const flag = marked.has(char);
    const last = runs.at(-1);
    if (last && last.nonGsm === flag) last.text += char;
    else runs.push({ text: char, nonGsm: flag });
  }
  return runs;
};

/**
 * A text as written, the way a recipient who holds none of its fields reads it: each field with a fallback
 * shows the fallback (`{{Tên|bà con}}` → `bà con`); one without stays `{{Tên}}`, since each recipient's own
 * value goes there. A text with a malformed placeholder is shown as written (the editor names the problem).
 */
export const withFallbacks = (text: string): string => {
  const { parts, problems } = parseTemplate(text);
  if (problems.length) return text;
  return parts
    .map((part) => {
      if (part.kind === 'text') return part.text;
      if (part.kind === 'link') return `{{link:${part.url}}}`;
      return part.fallback ?? `{{${part.name}}}`;
    })
    .join('');
};

/** The parts a phone shows, each link as a short link of the campaign's base. */
export const previewParts = (text: string, linkBase: string): string[] =>
  splitSegments(text, { link: () => previewLink(linkBase) });
