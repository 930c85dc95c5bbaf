/**
 * The dispatch consumer's timeout: one batch takes its partner's one-second budget, a webhook call of at
 * most 10 s and its settling. The stack gives the Lambda this timeout. Locally nothing would stop a consumer
 * at its deadline as Lambda does, so the local dispatcher lets it run to its end, in its slot, and logs
 * one that passes this timeout (local/dispatcher.ts `consumeNotice`).
 */
export const CONSUMER_TIMEOUT_SECONDS = 60;
