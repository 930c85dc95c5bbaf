/**
 * The Powertools service name of every Lambda (`POWERTOOLS_SERVICE_NAME`, set by `lib/handler-function.ts`).
 * Powertools adds it as the `service` dimension of every metric, so the dashboard must name it too.
 */
export const SERVICE_NAME = 'sms-campaigns';
