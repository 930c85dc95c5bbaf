/** Contract §4: phones that asked not to receive campaign messages. */

/** What the dispatcher and the campaign estimate check before sending (contract §4: never send to these). */
export interface SuppressionList {
  /** Every opted-out phone (E.164). */
  allOptedOut(): Promise<Set<string>>;
  /** Which of `phones` (E.164) are opted out. */
  isOptedOut(phones: string[]): Promise<Set<string>>;
}

/** `api`: recorded through POST /v1/opt-outs; `sms`: the subscriber replied with an opt-out keyword. */
export const OPT_OUT_SOURCES = ['api', 'sms'] as const;
export type OptOutSource = (typeof OPT_OUT_SOURCES)[number];

export interface OptOut {
  phone: string;
  reason?: string;
  source: OptOutSource;
  createdAt: string;
  createdBy: string;
}
