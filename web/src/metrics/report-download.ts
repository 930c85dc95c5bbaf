import { unwrap, type Api } from '../api/client.js';
import { ApiError } from '../api/errors.js';

const clickLink = (href: string, fileName?: string) => {
  const link = document.createElement('a');
  link.href = href;
  if (fileName) link.download = fileName.replace(/[\\/:*?"<>|]+/g, '_');
  document.body.append(link);
  link.click();
  link.remove();
};

/**
 * report.csv with the bearer token (a plain link would send none): fetched as a blob, then saved through a
 * temporary object URL. A report too large for an API answer (413 in AWS, over ~40,000 rows) is exported
 * instead (issue #18) and downloaded from the export's URL, which needs no token and names the file itself.
 * Another refusal is the API's error (ApiError), for the page to say why.
 */
export const downloadReport = async (api: Api, campaignId: string, fileName: string): Promise<void> => {
  let blob: Blob;
  try {
    blob = await unwrap(
      api.GET('/v1/campaigns/{campaignId}/report.csv', {
        params: { path: { campaignId } },
        parseAs: 'blob',
      }),
    );
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 413) throw error;
    const exported = await unwrap(
      api.POST('/v1/campaigns/{campaignId}/report-exports', { params: { path: { campaignId } } }),
    );
    clickLink(exported.url);
    return;
  }
  const url = URL.createObjectURL(blob);
  try {
    clickLink(url, fileName);
  } finally {
    // The click has handed the blob to the download; the URL is no longer needed.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
};
