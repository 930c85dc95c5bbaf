import { apiOptions, audienceDeps, importJobDeps } from '#adapters/deps.js';
import { subscriberRowsFromCsv, subscriberRowsFromJson } from '#core/audience.js';
import { importSubscribers } from '#core/audience-service.js';
import { importJobView, startImportJob } from '#core/import-job.js';
import { XLSX_MEDIA_TYPE } from '#core/import-upload.js';
import { subscriberRowsFromXlsx } from '#core/xlsx.js';
import { api } from '#http/api.js';
import { rowsOfUploadedFile } from '#http/import-file.js';
import { routes } from '#api/routes.js';

const deps = audienceDeps();
const jobs = importJobDeps(rowsOfUploadedFile);

/** Where a background import's progress is read. */
export const importLocation = (audienceId: string, importId: string): string =>
  `/v1/audiences/${audienceId}/imports/${importId}`;

/**
 * A body is imported here, within the request: JSON arrives parsed and shape-checked by the chain, a CSV
 * or .xlsx body as it came. An upload (`{ uploadId }`) is imported in the background: 202 with the job.
 */
export const handler = api(
  routes.importSubscribers,
  async (request) => {
    const { audienceId } = request.params;
    const rows = async () => {
      switch (request.bodyType) {
        case 'text/csv':
          return subscriberRowsFromCsv(request.rawBody);
        case XLSX_MEDIA_TYPE:
          return subscriberRowsFromXlsx(request.bodyBytes);
        case 'application/json':
          return subscriberRowsFromJson(request.body.subscribers ?? []);
      }
    };
    if (request.bodyType === 'application/json' && request.body.uploadId !== undefined) {
      const job = await startImportJob(jobs, audienceId, request.body.uploadId, request.actor.userId);
      const location = importLocation(audienceId, job.importId);
      return {
        status: 202,
        headers: { location },
        body: importJobView(job, request.lang, jobs.now()),
      };
    }
    return {
      status: 200,
      body: await importSubscribers(deps, audienceId, await rows(), request.lang),
    };
  },
  apiOptions(),
);
