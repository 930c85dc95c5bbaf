import { Logger } from '@aws-lambda-powertools/logger';
import { readObservabilityConfig } from './config.js';

/**
 * A Vietnamese phone number in any of the forms it reaches us in: `+84…`, `84…` or `0…` followed by nine
 * digits, possibly grouped by spaces, dots or dashes (`098 123 4567`), not inside a longer run of digits.
 */
const PHONE = /(?<![\d+])(\+84|84|0)((?:[ .-]?\d){9})(?![\d])/g;

/** `text` with every phone number in it masked to its prefix and last three digits (`+84******567`). */
export const maskPhones = (text: string): string =>
  text.replace(
    PHONE,
    (_, prefix: string, rest: string) => `${prefix}******${rest.replace(/\D/g, '').slice(-3)}`,
  );

/**
 * Every value of a log line goes through this on its way to JSON (messages, keys' values, errors' messages
 * and stacks once Powertools has made them objects): a phone number never reaches a log in clear, whichever
 * call logged it (Decree 13 / Law 91/2025 personal data; docs/personal-data.md).
 */
export const redactLogValue = (_key: string, value: unknown): unknown => {
  if (typeof value === 'string') return maskPhones(value);
  if (typeof value === 'number' && Number.isInteger(value)) {
    const masked = maskPhones(String(value));
    return masked === String(value) ? value : masked;
  }
  return value;
};

/**
 * One structured JSON logger per container (Powertools). Each handler's middy chain gives every invocation
 * its own keys (`injectLambdaContext` with `clearState`); the local runtime runs many invocations in one
 * process and scopes them per invocation (local/invoke.ts). Secrets are never logged; phone numbers are
 * masked in every line by `redactLogValue`.
 */
const { POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL } = readObservabilityConfig();

export const logger = new Logger({
  serviceName: POWERTOOLS_SERVICE_NAME,
  logLevel: POWERTOOLS_LOG_LEVEL,
  jsonReplacerFn: redactLogValue,
});
