import { RemovalPolicy } from 'aws-cdk-lib';
import type { IKey, Key } from 'aws-cdk-lib/aws-kms';
import {
  AttributeType,
  Billing,
  CfnGlobalTable,
  type ITable,
  ProjectionType,
  StreamViewType,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_SCHEMA } from '#adapters/table.js';
import { rotatingKey } from './keys.js';

export interface DataTableProps {
  /** The table refuses `DeleteTable` until this is turned off (context `deletionProtection`, default on). */
  readonly deletionProtection?: boolean;
}

const stringKey = (name: string) => ({ name, type: AttributeType.STRING });

const keysOfTables = new WeakMap<ITable, IKey>();
/** The customer-managed key of a DataTable's table (see the constructor: TableV2 does not know it). */
export const encryptionKeyOf = (table: ITable): IKey | undefined =>
  table.encryptionKey ?? keysOfTables.get(table);

/**
 * The single table of the application. Stateful: it outlives the stack (retained, deletion protection,
 * point-in-time recovery). Encrypted with a key of the province's own (customer-managed, yearly rotation),
 * so who may read the data is decided by the key's policy and every use is in CloudTrail, and a
 * disable of the key makes the data unreadable, backups included.
 */
export class DataTable extends Construct {
  readonly table: TableV2;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: DataTableProps = {}) {
    super(scope, id);

    this.key = rotatingKey(this, 'Key', {
      description: 'SMS campaigns: the data table (phone numbers, messages, audiences)',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new TableV2(this, 'Table', {
      partitionKey: stringKey(TABLE_SCHEMA.partitionKey),
      sortKey: stringKey(TABLE_SCHEMA.sortKey),
      globalSecondaryIndexes: TABLE_SCHEMA.indexes.map((index) => ({
        indexName: index.name,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        projectionType: ProjectionType.ALL,
      })),
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
      // The metrics aggregator compares old and new items to keep its counters.
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      // TableV2 renders a customer-managed key per replica region, which an environment-agnostic stack
      // (offline synth, CI) does not know: AWS-owned here, the key is set on the one replica below.
      encryption: TableEncryptionV2.awsManagedKey(),
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const table = this.table.node.defaultChild;
    if (!(table instanceof CfnGlobalTable)) throw new Error('TableV2 has no CfnGlobalTable');
    table.addPropertyOverride('Replicas.0.SSESpecification', { KMSMasterKeyId: this.key.keyArn });
    keysOfTables.set(this.table, this.key);
  }
}
