/**
 * Why a message failed, in words a planner understands (contract §7 `failureReasons`). A message keeps
 * `reason` = `key` or `key: detail` (the partner's errorCode, or our own detail); the metrics count the key
 * (the text before `:`), so the counters hold a handful of keys whatever codes partners invent, and the
 * code itself stays on the message (messages list, report.csv). Pure: the console reuses it.
 */

export const FAILURE_REASONS = [
  /** Phone off, out of coverage, memory full: the number exists but could not take the SMS now. */
  'unreachable',
  /** The number does not exist or is not in service. */
  'invalid_number',
  /** Barred, blacklisted or filtered by the carrier (or the subscriber refuses such messages). */
  'blocked',
  /** Not delivered within its validity period. */
  'expired',
  /** Refused by the partner (its reason or code kept as the detail). */
  'rejected',
  /** No partner serves its carrier. */
  'unroutable',
  /** Every partner for its carrier kept failing. */
  'partner_unavailable',
  /** The campaign was cancelled before it was handed over. */
  'cancelled',
  /** Its text needs a value the recipient no longer has (the audience changed after submit): not sent. */
  'missing_field',
  /** A failure the partner gave no known code for (its code, if any, is the detail). */
  'other',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** Why a recipient was not sent to at all (a `suppressed` row of the messages list and report.csv). */
export const SUPPRESSION_REASONS = ['opted_out', 'frequency_cap'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** Labels for the console (Vietnamese), one per key. */
export const REASON_LABELS_VI: Record<FailureReason | SuppressionReason, string> = {
  unreachable: 'Không liên lạc được (tắt máy, ngoài vùng phủ sóng, đầy bộ nhớ)',
  invalid_number: 'Số không tồn tại hoặc không hoạt động',
  blocked: 'Bị chặn (nhà mạng chặn hoặc thuê bao từ chối)',
  expired: 'Hết thời gian hiệu lực',
  rejected: 'Đối tác từ chối',
  unroutable: 'Không có đối tác cho nhà mạng',
  partner_unavailable: 'Đối tác không phản hồi',
  cancelled: 'Chiến dịch đã hủy',
  missing_field: 'Thiếu dữ liệu để điền vào tin nhắn',
  other: 'Lỗi khác',
  opted_out: 'Đã từ chối nhận tin',
  frequency_cap: 'Vượt giới hạn số tin',
};

/**
 * The usual codes, by reason: GSM MAP error names and numbers (what an SMSC reports), SMPP delivery-receipt
 * states, and common aggregator names. Compared upper-cased with spaces and dashes as `_`.
 */
const CODES: Record<
  Exclude<FailureReason, 'unroutable' | 'partner_unavailable' | 'cancelled' | 'missing_field' | 'other'>,
  string[]
> = {
  unreachable: [
    'ABSENT_SUBSCRIBER',
    'ABSENT_SUBSCRIBER_SM',
    'SUBSCRIBER_ABSENT',
    'MEMORY_CAPACITY_EXCEEDED',
    'MS_MEMORY_FULL',
    'SUBSCRIBER_BUSY_FOR_MT_SMS',
    'HANDSET_OFF',
    'PHONE_OFF',
    'UNREACHABLE',
    'NO_COVERAGE',
    '6',
    '27',
    '31',
  ],
  invalid_number: [
    'UNKNOWN_SUBSCRIBER',
    'UNIDENTIFIED_SUBSCRIBER',
    'ILLEGAL_SUBSCRIBER',
    'INVALID_NUMBER',
    'INVALID_DESTINATION',
    'NUMBER_NOT_IN_SERVICE',
    '1',
    '5',
    '9',
  ],
  blocked: [
    'CALL_BARRED',
    'BARRED',
    'BLOCKED',
    'BLOCKED_RECIPIENT',
    'BLACKLISTED',
    'SPAM',
    'SPAM_FILTERED',
    'FILTERED',
    'TELESERVICE_NOT_PROVISIONED',
    'SUBSCRIBER_OPTED_OUT',
    '11',
    '13',
  ],
  expired: ['EXPIRED', 'VALIDITY_EXPIRED', 'TTL_EXPIRED'],
  rejected: ['REJECTED', 'REJECTD', 'SENDER_ID_NOT_REGISTERED', 'INVALID_SENDER', 'CONTENT_REJECTED'],
};

const REASON_OF_CODE: ReadonlyMap<string, FailureReason> = new Map(
  Object.entries(CODES).flatMap(([reason, codes]) => codes.map((code) => [code, reason as FailureReason])),
);

const normalizedCode = (code: string) =>
  code
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');

/** The reason a partner's errorCode stands for; undefined for a code not in the list. */
export const reasonOfCode = (code: string): FailureReason | undefined =>
  REASON_OF_CODE.get(normalizedCode(code));

/**
 * A final delivery report's per-message reason: a known code gives its reason (`unreachable:
 * ABSENT_SUBSCRIBER`); otherwise `expired` and `rejected` reports keep their status, and `failed` is `other`,
 * the code kept as the detail (`other: SMSC_42`).
 */
export const failureReason = (status: 'failed' | 'expired' | 'rejected', errorCode?: string): string => {
  const known = errorCode ? reasonOfCode(errorCode) : undefined;
  const key = known ?? (status === 'failed' ? 'other' : status);
  return errorCode ? `${key}: ${errorCode}` : key;
};

/** The key a message's reason is counted under: the text before the first `:` (`unreachable: 27` → `unreachable`). */
export const reasonKey = (reason: string | undefined): string =>
  (reason ?? 'failed').split(':')[0]?.trim() || 'failed';
