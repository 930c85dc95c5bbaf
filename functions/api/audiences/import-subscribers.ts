import { apiOptions, audienceDeps, importUploadDeps } from '#adapters/deps.js';
import {
  SubscriberFile,
  subscriberRowsFromCsv,
  subscriberRowsFromJson,
  type SubscriberRows,
} from '#core/audience.js';
import { importSubscribers } from '#core/audience-service.js';
import { InvalidJsonError, ValidationError } from '#core/errors.js';
import { uploadedFile, XLSX_MEDIA_TYPE, type ImportMediaType } from '#core/import-upload.js';
import { subscriberRowsFromXlsx } from '#core/xlsx.js';
import { api, type ApiRequest } from '#http/api.js';
import { issuesToDetails } from '#http/request.js';
import { routes } from '#api/routes.js';

const deps = audienceDeps();
const uploads = importUploadDeps();

const parseJsonFile = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidJsonError();
  }
};

/** A file as the importer reads it, by its type: inline or uploaded, the same rules. */
const rowsOfFile = (
  contentType: ImportMediaType,
  bytes: Uint8Array,
): Promise<SubscriberRows> | SubscriberRows => {
  switch (contentType) {
    case 'text/csv':
      return subscriberRowsFromCsv(Buffer.from(bytes).toString('utf8'));
    case XLSX_MEDIA_TYPE:
      return subscriberRowsFromXlsx(bytes);
    case 'application/json': {
      const parsed = SubscriberFile.safeParse(parseJsonFile(Buffer.from(bytes).toString('utf8')), {
        reportInput: true,
      });
      if (!parsed.success)
        throw new ValidationError('Invalid uploaded file', issuesToDetails(parsed.error.issues));
      return subscriberRowsFromJson(parsed.data.subscribers);
    }
  }
};

/**
 * JSON arrives parsed and shape-checked by the chain: the subscribers, or an upload whose file is read
 * here; a CSV or .xlsx body arrives as it came and is read here.
 */
const rowsOf = async (request: ApiRequest<typeof routes.importSubscribers>): Promise<SubscriberRows> => {
  switch (request.bodyType) {
    case 'text/csv':
      return subscriberRowsFromCsv(request.rawBody);
    case XLSX_MEDIA_TYPE:
      return subscriberRowsFromXlsx(request.bodyBytes);
    case 'application/json': {
      // The schema lets through exactly one of the two.
      const { subscribers = [], uploadId } = request.body;
      if (uploadId === undefined) return subscriberRowsFromJson(subscribers);
      const file = await uploadedFile(uploads, request.params.audienceId, uploadId);
      return rowsOfFile(file.contentType, file.bytes);
    }
  }
};

export const handler = api(
  routes.importSubscribers,
  async (request) => {
    const rows = await rowsOf(request);
    return {
      status: 200,
      body: await importSubscribers(deps, request.params.audienceId, rows, request.lang),
    };
  },
  apiOptions(),
);
