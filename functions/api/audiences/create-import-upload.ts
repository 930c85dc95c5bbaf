import { importUploadDeps } from '#adapters/deps.js';
import { createImportUpload } from '#core/import-upload.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = importUploadDeps();

/** A pre-signed upload for an import too large for a request body (issue #18). */
export const handler = api(routes.createImportUpload, async ({ params, body, actor }) => ({
  status: 201,
  body: await createImportUpload(deps, params.audienceId, body, actor.userId),
}));
