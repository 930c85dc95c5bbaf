import type { Campaign } from '../api/client.js';
import { formatDateTime, formatMoney, formatNumber, type Lang } from '../i18n/format.js';
import { en } from '../i18n/en.js';
import { vi } from '../i18n/vi.js';

/**
 * When an approval makes a campaign send: at its time, or at once for `{ asap: true }` and for a time that
 * has passed (contract §6: approving after `sendAt` starts sending at once).
 */
export type ApprovalStart = { at: string } | { now: 'asap' | 'past' };

export const approvalStart = (
  campaign: Pick<Campaign, 'schedule' | 'sendAt'>,
  nowMs: number,
): ApprovalStart => {
  if ('asap' in campaign.schedule) return { now: 'asap' };
  return Date.parse(campaign.sendAt) <= nowMs ? { now: 'past' } : { at: campaign.sendAt };
};

/**
 * What the approval dialog asks: "Phê duyệt chiến dịch này? Hệ thống sẽ gửi 3.000 tin nhắn (9.000 tin nhắn
 * thành phần, 3.150.000 ₫) lúc 08:00 ngày 30/07/2027." The counts are the server's estimate of those it
 * will send (opted-out and unroutable phones left out).
 */
export const approvalSentence = (
  campaign: Pick<Campaign, 'schedule' | 'sendAt' | 'timeZone' | 'estimate'>,
  nowMs: number,
  lang: Lang = 'vi',
): string => {
  const t = lang === 'vi' ? vi : en;
  const start = approvalStart(campaign, nowMs);
  const when =
    'at' in start
      ? t.review.confirmAt(formatDateTime(start.at, campaign.timeZone, lang))
      : t.review.confirmAsap;
  const { sendable, totalSegments, cost, currency } = campaign.estimate;
  return t.review.confirm(
    formatNumber(sendable, lang),
    formatNumber(totalSegments, lang),
    formatMoney(cost, currency, lang),
    when,
  );
};
