/**
 * The dispatch consumer's timeout: one batch takes its partner's one-second budget, a webhook call of at
 * most 10 s and its settling. The stack gives the Lambda this timeout and the local runtime gives each
 * local invocation the same deadline.
 */
export const CONSUMER_TIMEOUT_SECONDS = 60;
