import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { alarmOnDeadLetters, alarmOnErrors } from './alarms.js';
import type { FileBucket } from './file-bucket.js';
import { HandlerFunction } from './handler-function.js';
import { deadLetterQueue } from './queues.js';

export const IMPORT_JOB_ENTRY = 'functions/jobs/import-subscribers.ts';
/** Lambda's longest: a job that needs longer is retried and carries on from its last committed step. */
export const IMPORT_JOB_TIMEOUT = Duration.minutes(15);
/** 500,000 parsed rows, the audience's phones and the planner's sets; two vCPUs. */
export const IMPORT_JOB_MEMORY_MB = 3008;
/** Lambda's own retries of a run that failed (each carries on where the last left off). */
export const IMPORT_JOB_RETRIES = 2;
/** A run queued longer than its job's lease (15 minutes) only finds the job interrupted. */
export const IMPORT_JOB_MAX_EVENT_AGE = Duration.minutes(30);

/**
 * The import-job's table access (core/import-job.ts): reads of the job, the upload and the audience's
 * chunks (GetItem, Query), the lease and counters (UpdateItem), the job item and the members' chunks and
 * index (PutItem, BatchWriteItem, which also deletes a cut-short step's), and its commit of both items in
 * one TransactWriteItems (which IAM checks as the items' Update and Put). No index, no Scan.
 */
export const IMPORT_JOB_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
  'dynamodb:PutItem',
  'dynamodb:BatchWriteItem',
] as const;

export interface ImportJobsProps {
  readonly table: ITable;
  readonly files: FileBucket;
}

/**
 * Background imports of uploads (issue #17): the import-job Lambda, invoked asynchronously by the import
 * route's function (which alone may invoke it, `HttpApi`), retried twice by Lambda and then parked in a
 * dead-letter queue, which raises an alarm. It reads the uploads' prefix of the files bucket only.
 */
export class ImportJobs extends Construct {
  readonly job: HandlerFunction;
  readonly deadLetterQueue: Queue;
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: ImportJobsProps) {
    super(scope, id);
    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetterQueue');
    this.job = new HandlerFunction(this, 'Job', {
      entry: IMPORT_JOB_ENTRY,
      description: 'importSubscribersJob: an uploaded file imported into its audience, step by step',
      memorySize: IMPORT_JOB_MEMORY_MB,
      timeout: IMPORT_JOB_TIMEOUT,
      deadLetterQueue: this.deadLetterQueue,
    });
    this.job.configureAsyncInvoke({
      retryAttempts: IMPORT_JOB_RETRIES,
      maxEventAge: IMPORT_JOB_MAX_EVENT_AGE,
    });
    this.job.bindTableActions(props.table, IMPORT_JOB_ACTIONS);
    this.job.bindFiles(props.files, { prefix: 'imports', actions: ['read'] });
    this.alarms = [
      alarmOnDeadLetters(
        this,
        'FailedImportsAlarm',
        this.deadLetterQueue,
        'An import job failed three times in a row (its import shows as failed once its lease is over): see the dead-letter queue',
      ),
      alarmOnErrors(
        this,
        'ImportJobErrorsAlarm',
        this.job,
        'An import job run failed; Lambda retries it twice',
      ),
    ];
  }
}
