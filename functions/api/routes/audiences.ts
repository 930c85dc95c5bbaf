import * as z from 'zod';
import {
  AudienceId,
  AudienceInput,
  AudienceView,
  COLUMN_ALIASES,
  ImportResult,
  MAX_ATTRIBUTE_COLUMNS,
  MAX_ATTRIBUTE_LENGTH,
  MAX_IMPORT_ROWS,
  SubscribersInput,
} from '#core/audience.js';
import {
  ImportUploadInput,
  ImportUploadView,
  MAX_IMPORT_BYTES,
  MAX_UPLOAD_BYTES,
} from '#core/import-upload.js';
import { IMPORT_STEP_ROWS, ImportId, ImportJobView } from '#core/import-job.js';
import { MAX_JOB_ROWS } from '#core/audience.js';
import { XLSX_MEDIA_TYPE } from '#http/route.js';
import { ErrorBody, ListQuery } from '#http/schemas.js';
import { listRoute, notFound, readRoute, userRoute } from './shapes.js';

const headerNames = Object.entries(COLUMN_ALIASES)
  .map(([column, aliases]) => `\`${column}\` ← ${aliases.map((alias) => `\`${alias}\``).join(', ')}`)
  .join('; ');

const IMPORT_DESCRIPTION = [
  'A body of `application/json` (`{ subscribers: [...] }`), `text/csv` (UTF-8) or ' +
    `\`${XLSX_MEDIA_TYPE}\` (the first sheet of an Excel workbook), at most 10 MiB and ${MAX_IMPORT_ROWS} rows.`,
  'In AWS a request body is at most about 6 MB: a larger file is uploaded first (`POST .../import-uploads` ' +
    'answers a pre-signed PUT URL) and then imported with the JSON body `{ "uploadId": "…" }`. An upload ' +
    `is always imported in the background (at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB and ` +
    `${MAX_JOB_ROWS} rows): the answer is \`202\` with the import (\`importId\`, \`status: "running"\`, ` +
    'progress) and a `Location` to poll, `GET .../imports/{importId}`, whose `result` is once succeeded ' +
    'exactly what the file sent here would have answered, and whose `error` once failed the error it would ' +
    'have had (a file that is not readable: `validation_failed`, `invalid_json`). An upload this audience ' +
    'does not have is a 404; one to which nothing was uploaded yet a 409 (`upload_not_received`); a file ' +
    `over the limit a 413 (\`upload_too_large\`); another import running into the audience a 409.`,
  `A file's first non-blank row names the columns, in any order; case, accents and spaces do not matter: ${headerNames}. ` +
    'A district column is kept as `district` and reported once in a `legacy_district_column` notice (no ' +
    'district level since 1 July 2025). Communes are kept as given (NFC, trimmed, at most 100 characters): ' +
    'there is no commune registry.',
  "A `language` column (`language`, `lang`, `Ngôn ngữ`, `Tiếng`) gives each subscriber's language: a name " +
    "(`H'Mông`, `Thái Đen`, `Thái Trắng`, `Khmer`, `Ê Đê`, `Tày`, `không dấu`, ...) or a BCP 47 tag (`hmn`, " +
    "`blt`, `twh`, `km`, `rad`, `tyz`, `vi-x-khongdau`), stored as the tag; it picks the campaign's language " +
    'variant. An unknown value, or `Thái` alone (Thái Đen or Thái Trắng?), keeps the row without a language, ' +
    'with a warning (`unknown_language`, `ambiguous_language`).',
  `Every other column is kept as a subscriber attribute (at most ${MAX_ATTRIBUTE_COLUMNS} per file, in order; ` +
    'the rest are ignored and named in a `too_many_attribute_columns` notice), keyed by its header with accents ' +
    'folded, lower case, other characters as `_` (`Họ và tên` → `ho_va_ten`), which is what a `{{Họ và tên}}` ' +
    'or `{{ho_va_ten}}` placeholder reads; an `attribute_columns` notice names each with its placeholder. A ' +
    `value is trimmed and NFC-normalised, at most ${MAX_ATTRIBUTE_LENGTH} characters, without control ` +
    'characters, `{{` or `}}`; otherwise the row is rejected (`attribute_too_long`, ' +
    '`attribute_control_character`, `attribute_placeholder`) naming the column. An empty cell is no value. ' +
    'Two columns of the same key are a 400 (`csv_duplicate_column`). Columns that number rows (`STT`, `TT`, ' +
    '`Số thứ tự`, `No.`) and headers that cannot name a placeholder (no letter or digit, longer than 40 ' +
    'characters, `link`) are ignored and named in an `unknown_columns_ignored` notice.',
  'A phone already in the audience is a duplicate: its province, commune and tags stay as first imported, but ' +
    'a file with attribute or language columns replaces its attributes (all of them: a column the new file ' +
    "lacks is dropped) and its language with the row's (`replaced` counts them). The JSON body carries no " +
    'attributes or language.',
  'In an .xlsx file a number cell is read as its digits (`981234567`, whatever its display format), a date ' +
    'as `YYYY-MM-DD`, a boolean as `TRUE`/`FALSE`, a formula as the value saved with it (an error value as ' +
    'empty). A phone of nine digits starting 3, 5, 7, 8 or 9 is a mobile that lost its leading 0 and is ' +
    'accepted; one in scientific notation (`9.81234567E+08`, `9,81E+08`) is rejected as ' +
    '`scientific_notation`: format the column as Text. A file that is not a readable .xlsx is a 400 ' +
    '(`xlsx_invalid`, `xls_not_supported` for an old .xls, `xlsx_encrypted` for a password-protected one, `xlsx_too_large_unpacked` for a workbook whose zip declares more than 128 MB unpacked).',
].join('\n\n');

const audienceParams = z.strictObject({ audienceId: AudienceId });

export const audienceRoutes = {
  createAudience: userRoute({
    id: 'createAudience',
    method: 'POST',
    path: '/v1/audiences',
    entry: 'functions/api/audiences/create.ts',
    summary: 'Create an empty audience',
    tag: 'Audiences',
    auth: 'edit',
    table: 'write',
    idempotent: true,
    body: AudienceInput,
    responses: { 201: { description: 'Created', schema: AudienceView } },
  }),
  listAudiences: listRoute({
    id: 'listAudiences',
    path: '/v1/audiences',
    entry: 'functions/api/audiences/list.ts',
    summary: 'List audiences, newest first',
    tag: 'Audiences',
    auth: 'read',
    indexes: ['lists'],
    query: ListQuery,
    item: AudienceView,
    responses: {},
    pageDescription: 'A page of audiences',
  }),
  getAudience: readRoute({
    id: 'getAudience',
    path: '/v1/audiences/{audienceId}',
    entry: 'functions/api/audiences/get.ts',
    summary: 'Read an audience: its size, members per carrier, province and language, and its attributes',
    tag: 'Audiences',
    auth: 'read',
    params: audienceParams,
    responses: { 200: { description: 'The audience', schema: AudienceView }, ...notFound('Unknown') },
  }),
  importSubscribers: userRoute({
    id: 'importSubscribers',
    method: 'POST',
    path: '/v1/audiences/{audienceId}/subscribers',
    entry: 'functions/api/audiences/import-subscribers.ts',
    summary: `Add up to ${MAX_IMPORT_ROWS} subscribers from JSON, CSV or an Excel .xlsx file (a header row)`,
    description: IMPORT_DESCRIPTION,
    tag: 'Audiences',
    auth: 'edit',
    table: 'write',
    idempotent: true,
    params: audienceParams,
    body: SubscribersInput,
    bodyTypes: ['application/json', 'text/csv', XLSX_MEDIA_TYPE],
    maxBodyBytes: MAX_IMPORT_BYTES,
    files: { prefix: 'imports', actions: ['read'] },
    uses: ['importJobs'],
    lambda: { memoryMb: 1769, timeoutSeconds: 29 },
    responses: {
      200: { description: 'What was accepted, found twice and rejected (row by row)', schema: ImportResult },
      202: {
        description:
          'An upload, imported in the background: the import as it starts (`Location`: where to follow it)',
        schema: ImportJobView,
      },
      ...notFound('Unknown audience, or an upload it does not have'),
      409: {
        description: 'Another import into this audience is running, or nothing was uploaded to the upload',
        schema: ErrorBody,
      },
      413: { description: 'Body or uploaded file over 10 MiB', schema: ErrorBody },
      415: { description: 'Neither JSON, CSV nor .xlsx', schema: ErrorBody },
    },
  }),
  getImport: readRoute({
    id: 'getImport',
    path: '/v1/audiences/{audienceId}/imports/{importId}',
    entry: 'functions/api/audiences/get-import.ts',
    summary: 'Follow a background import of an upload: its progress, then its answer or its error',
    description: [
      'An upload imported with `POST .../subscribers { "uploadId" }` (issue #17) runs in the background, ' +
        `${IMPORT_STEP_ROWS} rows at a time: \`rowsRead\` of \`totalRows\` are in the audience so far ` +
        '(`accepted`, `duplicates`, `rejectedCount`, the first rejected rows with their reasons), the ' +
        "audience's counters with them. `status` is `running`, then `succeeded` with `result` (what the " +
        'synchronous import of the same file answers) or `failed` with `error`. A failed import keeps the ' +
        'rows imported before it stopped, each phone once: importing the file again adds the rest.',
      'Imports are kept a day. Rejected rows show phones as written, so this takes the edit role, as ' +
        'importing does. An import this audience does not have: 404.',
    ].join('\n\n'),
    tag: 'Audiences',
    auth: 'edit',
    params: z.strictObject({ audienceId: AudienceId, importId: ImportId }),
    responses: {
      200: { description: 'The import', schema: ImportJobView },
      ...notFound('Unknown audience or import, or an import of another audience'),
    },
  }),
  createImportUpload: userRoute({
    id: 'createImportUpload',
    method: 'POST',
    path: '/v1/audiences/{audienceId}/import-uploads',
    entry: 'functions/api/audiences/create-import-upload.ts',
    summary: 'A pre-signed URL to upload an import’s file too large for a request body (over ~6 MB in AWS)',
    description: [
      'Answers a URL to `PUT` the file to, without a bearer token, with exactly the `Content-Type` asked for ' +
        '(JSON, CSV or .xlsx), for 15 minutes; then `POST .../subscribers` with `{ "uploadId": "…" }` imports ' +
        'it in the background. The file is kept a day (S3, encrypted with the stack’s key); the import ' +
        `reads at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB.`,
      'Locally the URL is the local runtime’s own stand-in for S3 (`/local-files/…` on the API’s port), ' +
        'signed and expiring the same way.',
    ].join('\n\n'),
    tag: 'Audiences',
    auth: 'edit',
    table: 'write',
    files: { prefix: 'imports', actions: ['write'] },
    params: audienceParams,
    body: ImportUploadInput,
    responses: {
      201: { description: 'Where and how to upload the file', schema: ImportUploadView },
      ...notFound('Unknown audience'),
    },
  }),
};
