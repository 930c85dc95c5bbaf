import type { FileStore } from '#core/files.js';
import { s3Client } from './clients.js';
import { requiredConfig, type Config } from './config.js';
import { s3FileStore } from './file-store.js';
import { localFileStore } from './local-file-store.js';

/** The files bucket in AWS; under the local runtime, its stand-in on disk, served by the local server. */
export const fileStore = (config: Config): FileStore =>
  config.LOCAL_RUNTIME
    ? localFileStore()
    : s3FileStore(s3Client(), {
        bucket: requiredConfig(config, 'FILES_BUCKET'),
        keyArn: requiredConfig(config, 'FILES_KEY_ARN'),
      });
