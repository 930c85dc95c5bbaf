import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ImportUploadStore } from '#core/import-upload.js';
import { importUploadCodec } from './table/audience-records.js';
import { readItem } from './read-item.js';

/** Audiences' import uploads (issue #18), one item each, deleted by TTL when their file is. */
export const dynamoImportUploadStore = (
  client: DynamoDBDocumentClient,
  table: string,
): ImportUploadStore => ({
  async put(upload) {
    await client.send(new PutCommand({ TableName: table, Item: importUploadCodec.toItem(upload) }));
  },
  get: (audienceId, uploadId) =>
    readItem(client, table, importUploadCodec.key({ audienceId, uploadId }), importUploadCodec.fromItem),
});
