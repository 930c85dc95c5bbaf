import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import type { AudienceDeps } from '#core/audience-service.js';
import type { IdempotencyStore } from '#core/idempotency.js';
import type { ImportUploadDeps } from '#core/import-upload.js';
import type { ImportJobDeps, ImportJobStarter } from '#core/import-job.js';
import type { OptOutDeps } from '#core/opt-out-service.js';
import type { PartnerDeps } from '#core/partner-service.js';
import type { MigrationDeps } from '#core/migration.js';
import type { SettingsStore } from '#core/settings.js';
import type { TemplateDeps } from '#core/template-service.js';
import { dynamoAudienceStore } from './audience-store.js';
import { dynamoDocumentClient } from './clients.js';
import { readConfig, requiredConfig, webhookUrlPolicy, type Config } from './config.js';
import { fileStore } from './file-deps.js';
import { dynamoIdempotencyStore } from './idempotency-store.js';
import { dynamoImportUploadStore } from './import-upload-store.js';
import { dynamoImportJobStore } from './import-job-store.js';
import { lambdaClient, lambdaImportJobStarter, tableImportJobStarter } from './import-job-starter.js';
import { dynamoIndexBackfill } from './index-backfill.js';
import { dynamoOptOutStore } from './opt-out-store.js';
import { dynamoPartnerStore } from './partner-store.js';
import { dynamoSchemaStore } from './schema-store.js';
import { partnerSecretSealer } from './secret-sealer.js';
import { dynamoSettingsStore } from './settings-store.js';
import { dynamoTemplateStore } from './template-store.js';

/**
 * The composition roots of the partners, audiences, opt-outs, settings and templates areas, and the idempotency store
 * of the HTTP chain: each wires a use case to its DynamoDB adapters; handlers call them once, at module
 * scope (cold start), where the configuration is parsed.
 */

/** Contract §3: `whsec_` + 32 random bytes, base64 (the Standard Webhooks secret format). */
export const newSigningSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

export const partnerDeps = (config: Config = readConfig()): PartnerDeps => ({
  store: dynamoPartnerStore(dynamoDocumentClient(), config.TABLE_NAME),
  now: () => new Date(),
  newSecret: newSigningSecret,
  sealer: partnerSecretSealer(config),
  webhookPolicy: webhookUrlPolicy(config),
});

/** ULIDs that keep increasing within one millisecond, so ids made together still sort by creation. */
const newUlid = monotonicFactory();

export const audienceDeps = (config: Config = readConfig()): AudienceDeps => ({
  store: dynamoAudienceStore(dynamoDocumentClient(), config.TABLE_NAME),
  now: () => new Date(),
  newId: () => newUlid(),
});

/** Imports through an upload (issue #18): the audience, its uploads' records and the file store. */
export const importUploadDeps = (config: Config = readConfig()): ImportUploadDeps => ({
  audiences: audienceDeps(config),
  uploads: dynamoImportUploadStore(dynamoDocumentClient(), config.TABLE_NAME),
  files: fileStore(config),
  now: () => new Date(),
  newId: () => newUlid(),
});

/** Made at the first start: the job's own Lambda reads jobs and never starts one (no IMPORT_JOB_FUNCTION). */
const importJobStarter = (config: Config): ImportJobStarter => {
  if (config.LOCAL_RUNTIME) return tableImportJobStarter;
  let starter: ImportJobStarter | undefined;
  return {
    start: (job) =>
      (starter ??= lambdaImportJobStarter(
        lambdaClient(),
        requiredConfig(config, 'IMPORT_JOB_FUNCTION'),
      )).start(job),
  };
};

/**
 * Background imports of uploads (issue #17): the audiences under their lease, the jobs, the uploads and
 * their files, and how a job is started. `readRows` reads a file as the synchronous import reads a body.
 */
export const importJobDeps = (
  readRows: ImportJobDeps['readRows'],
  config: Config = readConfig(),
): ImportJobDeps => ({
  audiences: dynamoAudienceStore(dynamoDocumentClient(), config.TABLE_NAME),
  jobs: dynamoImportJobStore(dynamoDocumentClient(), config.TABLE_NAME),
  uploads: {
    uploads: dynamoImportUploadStore(dynamoDocumentClient(), config.TABLE_NAME),
    files: fileStore(config),
    now: () => new Date(),
  },
  starter: importJobStarter(config),
  readRows,
  now: () => new Date(),
  newId: () => newUlid(),
});

/** What reading a background import's progress takes: its job item. */
export const importJobReadDeps = (config: Config = readConfig()): Pick<ImportJobDeps, 'jobs' | 'now'> => ({
  jobs: dynamoImportJobStore(dynamoDocumentClient(), config.TABLE_NAME),
  now: () => new Date(),
});

/**
 * The data migrations' stores (core/migration.ts): audiences under their import lease, the schema version
 * item, the partners and their sealer, and the index backfill's scan.
 */
export const migrationDeps = (
  tableName: string = readConfig().TABLE_NAME,
  progress?: MigrationDeps['progress'],
): MigrationDeps => ({
  store: {
    ...dynamoAudienceStore(dynamoDocumentClient(), tableName),
    ...dynamoSchemaStore(dynamoDocumentClient(), tableName),
  },
  partners: {
    store: dynamoPartnerStore(dynamoDocumentClient(), tableName),
    // The configuration is read when a secret is first sealed: a table already sealed needs no key.
    sealer: partnerSecretSealer(),
  },
  indexes: dynamoIndexBackfill(dynamoDocumentClient(), tableName),
  now: () => new Date(),
  newId: () => newUlid(),
  ...(progress ? { progress } : {}),
});

export const optOutDeps = (config: Config = readConfig()): OptOutDeps => ({
  store: dynamoOptOutStore(dynamoDocumentClient(), config.TABLE_NAME),
  now: () => new Date(),
});

export const settingsDeps = (config: Config = readConfig()): { settings: SettingsStore } => ({
  settings: dynamoSettingsStore(dynamoDocumentClient(), config.TABLE_NAME),
});

export const templateDeps = (config: Config = readConfig()): TemplateDeps => ({
  store: dynamoTemplateStore(dynamoDocumentClient(), config.TABLE_NAME),
  now: () => new Date(),
  newId: () => newUlid(),
});

/** The HTTP chain's options of a route marked `idempotent`. */
export const apiOptions = (config: Config = readConfig()): { idempotency: IdempotencyStore } => ({
  idempotency: dynamoIdempotencyStore(dynamoDocumentClient(), config.TABLE_NAME),
});
