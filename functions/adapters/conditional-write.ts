import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

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
