import { importJobReadDeps } from '#adapters/deps.js';
import { failureAt, getImportJob, importJobView } from '#core/import-job.js';
import { api, errorBody } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = importJobReadDeps();

/** A background import's progress, and once it has finished its answer or its error (issue #17). */
export const handler = api(routes.getImport, async ({ params, lang }) => {
  const job = await getImportJob(deps, params.audienceId, params.importId);
  const now = deps.now();
  const failure = failureAt(job, now);
  return {
    status: 200,
    headers: { 'cache-control': 'no-store' },
    body: { ...importJobView(job, lang, now), ...(failure ? { error: errorBody(failure, lang) } : {}) },
  };
});
