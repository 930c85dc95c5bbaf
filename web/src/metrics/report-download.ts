import { unwrap, type Api } from '../api/client.js';

/**
 * report.csv with the bearer token (a plain link would send none): fetched as a blob, then saved through a
 * temporary object URL. A refusal is the API's error (ApiError), for the page to say why.
 */
export const downloadReport = async (api: Api, campaignId: string, fileName: string): Promise<void> => {
  const blob = await unwrap(
    api.GET('/v1/campaigns/{campaignId}/report.csv', {
      params: { path: { campaignId } },
      parseAs: 'blob',
    }),
  );
  const url = URL.createObjectURL(blob);
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName.replace(/[\\/:*?"<>|]+/g, '_');
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    // The click has handed the blob to the download; the URL is no longer needed.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
};
