import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { readConfig } from './config.js';
import { traced } from './tracer.js';

/**
 * AWS SDK clients, created once per container and reused across invocations. The endpoint comes from the
 * SDK's own `AWS_ENDPOINT_URL_DYNAMODB` variable, which is how the local runtime and the tests point the
 * very same code at DynamoDB Local. Each client is wrapped by the X-Ray tracer once, when it is made
 * (`traced`: a no-op outside Lambda).
 */
let documentClient: DynamoDBDocumentClient | undefined;
const MARSHALLING = { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } };

export const dynamoDocumentClient = (): DynamoDBDocumentClient =>
  (documentClient ??= DynamoDBDocumentClient.from(traced(new DynamoDBClient({})), MARSHALLING));

let standInClient: DynamoDBDocumentClient | undefined;

/**
 * Local runtime only: the client of the stand-ins for EventBridge and its Scheduler, which keep events and
 * schedules in the table (events.ts, scheduler.ts). Not the handlers' own, so what a handler asks of the
 * table (what the route-access test records on that client) is told apart from what in AWS is another
 * service's call, granted by the route's `uses`.
 */
export const localStandInClient = (): DynamoDBDocumentClient =>
  (standInClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), MARSHALLING));

let s3: S3Client | undefined;

/**
 * The files bucket's client. Checksums only where S3 requires them: a pre-signed upload URL then signs no
 * checksum of a body it has not seen.
 */
export const s3Client = (): S3Client =>
  (s3 ??= traced(new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED' })));

let kms: KMSClient | undefined;

/** KMS, for the partners' signing secrets (secret-sealer.ts); made at first use, so only its users make it. */
export const kmsClient = (): KMSClient => (kms ??= traced(new KMSClient({})));

export const tableName = (): string => readConfig().TABLE_NAME;
