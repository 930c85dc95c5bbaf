import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  Billing,
  ProjectionType,
  StreamViewType,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_SCHEMA } from '#adapters/table.js';

export interface DataTableProps {
  /** AWS-managed by default; the hardening issue passes `TableEncryptionV2.customerManagedKey(key)`. */
  readonly encryption?: TableEncryptionV2;
}

const stringKey = (name: string) => ({ name, type: AttributeType.STRING });

/** The single table of the application. Stateful: it outlives the stack. */
export class DataTable extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string, props: DataTableProps = {}) {
    super(scope, id);

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
      encryption: props.encryption ?? TableEncryptionV2.awsManagedKey(),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
