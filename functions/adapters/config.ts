import * as z from 'zod';
import { MATERIALIZE_LEASE_MS } from '#core/dispatch/materialize-lease.js';
import { SAFETY_MARGIN_MS } from '#core/dispatch/pacing.js';
import type { WebhookUrlPolicy } from '#core/partner-webhook-url.js';
import { SERVICE_NAME } from './service-name.js';

/** `1` turns a switch on; unset, empty or `0` leaves it off; anything else is a mistake worth stopping for. */
const flag = (description: string) =>
  z
    .enum(['', '0', '1'])
    .default('0')
    .transform((value) => value === '1')
    .describe(description);

/** A whole number in [min, max]; unset or empty takes the default. */
const wholeNumber = (description: string, fallback: number, min: number, max: number) =>
  z
    .string()
    .regex(/^\d*$/, 'expected a whole number')
    .meta({ description, default: String(fallback) })
    .optional()
    .transform((value) => (value ? Number(value) : fallback))
    .pipe(z.number().int().min(min).max(max));

/** Set where a Lambda uses the AWS resource (CDK binds it); absent locally and where a Lambda never uses it. */
const awsResource = (description: string) => z.string().min(1).optional().describe(description);

/**
 * Every environment variable the handlers read, once: its name, default and meaning. Parsed with zod when
 * a composition root is built (at cold start), so a wrong value stops the Lambda with the variable's name
 * instead of surfacing as odd behaviour later. The README's configuration table is `configTable()`.
 */
export const ConfigSchema = z.object({
  TABLE_NAME: z.string().min(1).describe('The DynamoDB table of every entity (CDK sets it).'),
  LOCAL_RUNTIME: flag(
    '`1` under `npm start` and the tests: events, schedules and batch notices then live in the table.',
  ),
  PUBLIC_BASE_URL: z
    .url()
    .default('http://localhost:3000')
    .describe('Where short links point (`<base>/l/<code>`); also sizes the link in the SMS estimate.'),
  ALLOW_LOOPBACK_WEBHOOKS: flag(
    '`1` lets partner webhooks be http on 127.0.0.1 (the local simulators); never set in AWS.',
  ),
  EVENT_BUS_NAME: awsResource('EventBridge bus that receives `campaign.*` events.'),
  SCHEDULE_GROUP_NAME: awsResource('EventBridge Scheduler group of the campaigns’ start schedules.'),
  SCHEDULE_TARGET_ARN: awsResource('The Lambda a start schedule invokes.'),
  SCHEDULE_ROLE_ARN: awsResource('The role EventBridge Scheduler assumes to invoke it.'),
  SCHEDULE_DLQ_ARN: awsResource('Dead-letter queue of start schedules that could not invoke it.'),
  BATCH_TOPIC_ARN: awsResource('SNS topic of batch notices (one per batch, fanned out per partner).'),
  FILES_BUCKET: awsResource(
    'S3 bucket of report exports and import uploads (issue #18); the local runtime keeps them on disk.',
  ),
  FILES_KEY_ARN: awsResource('The KMS key the files bucket encrypts its objects with (SSE-KMS).'),
  IMPORT_JOB_FUNCTION: awsResource(
    'The import-job Lambda an upload’s import starts (issue #17); the local runtime runs it itself.',
  ),
  PACING_MARGIN_MS: wholeNumber(
    'Pacing safety margin in ms (0 to 1000): wider where the delay to partners varies more.',
    SAFETY_MARGIN_MS,
    0,
    1000,
  ),
  DISPATCH_LEASE_MS: wholeNumber(
    'How long a claimed batch is its consumer’s before another may take it over (after a crash).',
    60_000,
    1,
    3_600_000,
  ),
  MATERIALIZE_LEASE_MS: wholeNumber(
    'How long a campaign’s materialisation holds its lease unless renewed (every half lease) before the sweep takes it over (after a crash).',
    MATERIALIZE_LEASE_MS,
    1000,
    3_600_000,
  ),
  WEBHOOK_TIMEOUT_MS: wholeNumber(
    'How long a partner has to answer a hand-over before it counts as a timeout.',
    10_000,
    1,
    900_000,
  ),
  RETENTION_DAYS: wholeNumber(
    'Days per-recipient message data (batch messages, suppressed recipients, inbound texts, recipient index, ' +
      'per-recipient clicks) is kept before DynamoDB TTL deletes it; aggregates are kept. At least 8: replies ' +
      'find their campaign through a 7-day recipient index.',
    180,
    8,
    3650,
  ),
  OPT_OUT_HASH_KEY: z
    .string()
    .min(32, 'expected at least 32 characters')
    .optional()
    .describe(
      'HMAC key of erased numbers’ opt-outs (docs/personal-data.md). Required in AWS; the local runtime ' +
        'and the tests use a fixed stand-in when unset.',
    ),
  PARTNER_SECRETS_KEY_ARN: awsResource(
    'KMS key that seals partners’ signing secrets in the table (docs/partners.md); set where a Lambda ' +
      'creates or rotates partners, signs hand-overs or verifies webhooks. Locally a fixed AES-256-GCM ' +
      'stand-in.',
  ),
  POWERTOOLS_SERVICE_NAME: z
    .string()
    .min(1)
    .default(SERVICE_NAME)
    .describe('The `service` of every log line and metric.'),
  POWERTOOLS_LOG_LEVEL: z
    .string()
    .default('INFO')
    .transform((level) => level.toUpperCase())
    .pipe(z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']))
    .describe('The lowest level logged (any case).'),
});

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigName = keyof Config;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
}

/** The configuration in `env`; throws a ConfigError that names each wrong variable and why. */
export const readConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const parsed = ConfigSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
};

/** What the logger and metrics singletons read at import, before (and without) the rest. */
export const readObservabilityConfig = (env: NodeJS.ProcessEnv = process.env) =>
  ConfigSchema.pick({ POWERTOOLS_SERVICE_NAME: true, POWERTOOLS_LOG_LEVEL: true }).parse(env);

/** What the table codecs read when they stamp an item's expiry (at first use). */
export const readRetentionConfig = (env: NodeJS.ProcessEnv = process.env) =>
  ConfigSchema.pick({ RETENTION_DAYS: true }).parse(env);

/** Locally only: never a secret, so an erased number's hash is reproducible in tests. */
const LOCAL_STAND_IN_HASH_KEY = 'local-stand-in-opt-out-hash-key-not-a-secret';

/** The key of erased numbers' opt-out hashes: set in AWS, a stand-in under the local runtime. */
export const optOutHashKey = (config: Config = readConfig()): string => {
  if (config.OPT_OUT_HASH_KEY) return config.OPT_OUT_HASH_KEY;
  if (config.LOCAL_RUNTIME) return LOCAL_STAND_IN_HASH_KEY;
  throw new ConfigError('OPT_OUT_HASH_KEY is not set');
};

/** Locally only: never a secret, so the local runtime needs no key to keep partners' secrets sealed. */
const LOCAL_STAND_IN_SECRETS_KEY = 'local-stand-in-partner-secrets-key-not-a-secret';

/** How partners' signing secrets are sealed: KMS with the key in AWS, a stand-in key under the local runtime. */
export const partnerSecretsKey = (
  config: Config = readConfig(),
): { kmsKeyId: string } | { localStandIn: string } => {
  if (config.PARTNER_SECRETS_KEY_ARN) return { kmsKeyId: config.PARTNER_SECRETS_KEY_ARN };
  if (config.LOCAL_RUNTIME) return { localStandIn: LOCAL_STAND_IN_SECRETS_KEY };
  throw new ConfigError('PARTNER_SECRETS_KEY_ARN is not set');
};

/** A variable only some Lambdas need (the AWS resource they use), read when they first use it. */
export const requiredConfig = <N extends ConfigName>(config: Config, name: N): NonNullable<Config[N]> => {
  const value = config[name];
  if (value === undefined) throw new ConfigError(`${name} is not set`);
  return value;
};

/**
 * Partner webhook addresses: ALLOW_LOOPBACK_WEBHOOKS=1 is set by the local runtime and the tests only
 * (their partners are simulators on 127.0.0.1). In AWS it is never set, so webhooks must be https to a
 * public address.
 */
export const webhookUrlPolicy = (config: Config = readConfig()): WebhookUrlPolicy => ({
  allowLoopback: config.ALLOW_LOOPBACK_WEBHOOKS,
});

/** The README's configuration table, from the schema itself: name, default, meaning. */
export const configTable = (): string => {
  const { properties = {} } = z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' });
  const rows = Object.entries(properties).map(([name, property]) => {
    const { default: fallback, description = '' } = typeof property === 'boolean' ? {} : property;
    const shown = fallback === undefined ? '' : `\`${String(fallback)}\``;
    return `| \`${name}\` | ${shown} | ${description} |`;
  });
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
};
