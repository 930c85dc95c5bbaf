import { MAX_JOB_ROWS, SubscriberFile, subscriberRowsFromCsv, type SubscriberRows } from '#core/audience.js';
import { InvalidJsonError, ValidationError } from '#core/errors.js';
import { subscriberRowsFromJson } from '#core/audience.js';
import { XLSX_MEDIA_TYPE, type ImportMediaType } from '#core/import-upload.js';
import { subscriberRowsFromXlsx } from '#core/xlsx.js';
import { issuesToDetails } from './request.js';

const parseJsonFile = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidJsonError();
  }
};

/**
 * An uploaded file as the importer reads it, by its type: by the rules of a body of that type (the same
 * 400s, a JSON file's problems named by their path), with up to MAX_JOB_ROWS rows.
 */
export const rowsOfUploadedFile = async (
  contentType: ImportMediaType,
  bytes: Uint8Array,
): Promise<SubscriberRows> => {
  switch (contentType) {
    case 'text/csv':
      return subscriberRowsFromCsv(Buffer.from(bytes).toString('utf8'), MAX_JOB_ROWS);
    case XLSX_MEDIA_TYPE:
      return subscriberRowsFromXlsx(bytes, MAX_JOB_ROWS);
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
