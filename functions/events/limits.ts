/**
 * The materialiser's timeout: it reads a campaign's audiences and writes its batches, minutes for a merged
 * province's million recipients, renewing its lease as it goes. The stack gives the Lambda this timeout
 * and the local event bus gives each local invocation the same deadline.
 */
export const MATERIALIZE_TIMEOUT_SECONDS = 300;
