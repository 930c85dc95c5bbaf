import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectOwnership,
  type IBucket,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { FILE_DAYS } from '#core/files.js';

export interface FileBucketProps {
  /** The data table's key: the files hold the same personal data (phones), under the same key policy. */
  readonly key: IKey;
  /** Where the bucket's server access logs go (the console's log bucket). */
  readonly accessLogs: IBucket;
}

/**
 * Report exports and import uploads (issue #18): private (no public access, TLS only, no ACLs), every
 * object encrypted with the data table's key (SSE-KMS, bucket keys to spare KMS calls), and deleted a day
 * after it was written. Objects move only through pre-signed URLs of the functions granted their prefix.
 * Two resources (the bucket and its policy): the stack is near CloudFormation's 500.
 */
export class FileBucket extends Construct {
  readonly bucket: Bucket;
  readonly key: IKey;

  constructor(scope: Construct, id: string, props: FileBucketProps) {
    super(scope, id);
    this.key = props.key;
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      lifecycleRules: [
        { expiration: Duration.days(FILE_DAYS), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'files-bucket/',
      // Nothing in it outlives a day; a bucket left behind by a deleted stack is empty a day later.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
