import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  PutCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { cancellationCodes } from './dynamo-batch.js';

/** Whether a conditional single write was made: false where its condition refused it; other errors throw. */
export const conditionalWrite = async (write: Promise<unknown>): Promise<boolean> => {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
};

/** Puts an item unless one with its key is there already; whether it was put. */
export const putIfAbsent = (
  client: DynamoDBDocumentClient,
  table: string,
  item: Record<string, unknown>,
): Promise<boolean> =>
  conditionalWrite(
    client.send(
      new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    ),
  );

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/**
 * One TransactWriteItems of `items`. Answers, item by item, whether its condition refused the transaction
 * (all false when it was written); any other failure (a conflict with another transaction, throttling, a
 * size) is thrown.
 */
export const conditionalTransaction = async (
  client: DynamoDBDocumentClient,
  items: TransactItems,
): Promise<boolean[]> => {
  try {
    await client.send(new TransactWriteCommand({ TransactItems: items }));
    return items.map(() => false);
  } catch (error) {
    const refused = cancellationCodes(error).map((code) => code === 'ConditionalCheckFailed');
    if (!refused.includes(true)) throw error;
    return refused;
  }
};
