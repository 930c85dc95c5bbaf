import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { partnerIdsFromContext } from './dispatch.js';

/** What `cdk.json` and `-c name=value` say about one deployment (a stage) of the stack. */
export interface StageConfig {
  /** `dev`, `prod`, `backan-prod`: names the stack and every named resource, so stages share an account. */
  readonly stage: string;
  /** Partners with a dispatch queue of their own (`partners`). */
  readonly partnerIds: readonly string[];
  /** Where the alarm topic mails (`alarmEmail`); unset: no subscription, subscribe by hand. */
  readonly alarmEmail?: string;
  /** A WAF web ACL with a rate-based rule on the console's distribution (`waf`, default off). */
  readonly waf: boolean;
  /** Days per-recipient message data is kept before DynamoDB's TTL removes it (`retentionDays`). */
  readonly retentionDays: number;
  /** Days the functions' and the API's logs are kept (`logRetentionDays`, a CloudWatch Logs value). */
  readonly logRetentionDays: RetentionDays;
  /** The table refuses `DeleteTable` (`deletionProtection`, default on; a dev stage may turn it off). */
  readonly deletionProtection: boolean;
}

export const DEFAULT_STAGE = 'dev';
export const DEFAULT_RETENTION_DAYS = 180;
export const DEFAULT_LOG_RETENTION_DAYS = RetentionDays.ONE_MONTH;

/** Lower-case letters, digits and dashes, starting with a letter: valid in every resource name it enters. */
const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const LOG_RETENTION_VALUES: readonly number[] = Object.values(RetentionDays).filter(
  (value): value is number => typeof value === 'number',
);

type Context = (key: string) => unknown;

const text = (context: Context, key: string): string | undefined => {
  const value = context(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`Context ${key} must be a string`);
  return value;
};

/** `true`/`false` in cdk.json, `-c waf=true` (a string) on the command line. */
const bool = (context: Context, key: string, fallback: boolean): boolean => {
  const value = context(key);
  if (value === undefined || value === null || value === '') return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`Context ${key} must be true or false, not ${JSON.stringify(value)}`);
};

const wholeNumber = (context: Context, key: string, fallback: number, min: number, max: number): number => {
  const value = context(key);
  if (value === undefined || value === null || value === '') return fallback;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(number) || number < min || number > max)
    throw new Error(
      `Context ${key} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`,
    );
  return number;
};

/** The stage's settings from the CDK context; a wrong value stops the synth with the key and the reason. */
export const stageConfigFromContext = (context: Context): StageConfig => {
  const stage = text(context, 'stage') ?? DEFAULT_STAGE;
  if (!STAGE_PATTERN.test(stage))
    throw new Error(
      `Context stage "${stage}": lower-case letters, digits and dashes, at most 20, from a letter`,
    );
  const alarmEmail = text(context, 'alarmEmail');
  if (alarmEmail !== undefined && !EMAIL_PATTERN.test(alarmEmail))
    throw new Error(`Context alarmEmail "${alarmEmail}" is not an e-mail address`);
  const logRetentionDays = wholeNumber(context, 'logRetentionDays', DEFAULT_LOG_RETENTION_DAYS, 1, 3653);
  if (!LOG_RETENTION_VALUES.includes(logRetentionDays))
    throw new Error(
      `Context logRetentionDays must be one of CloudWatch's values: ${LOG_RETENTION_VALUES.join(', ')}`,
    );
  return {
    stage,
    partnerIds: partnerIdsFromContext(context('partners')),
    ...(alarmEmail ? { alarmEmail } : {}),
    waf: bool(context, 'waf', false),
    retentionDays: wholeNumber(context, 'retentionDays', DEFAULT_RETENTION_DAYS, 1, 3650),
    logRetentionDays: logRetentionDays as RetentionDays,
    deletionProtection: bool(context, 'deletionProtection', true),
  };
};

/** The stack of a stage: `SmsCampaign-dev`, `SmsCampaign-prod`. */
export const stackNameOf = (stage: string): string => `SmsCampaign-${stage}`;
