import { campaignDeps } from '#adapters/campaign-deps.js';
import { dynamoDocumentClient } from '#adapters/clients.js';
import { readConfig, type Config } from '#adapters/config.js';
import { dynamoReportStore } from '#adapters/report-store.js';
import { getCampaign } from '#core/campaign-service.js';
import type { Batch } from '#core/dispatch/batch.js';
import { reportCsv, toMessageRow, type MessageRow } from '#core/reports.js';

/**
 * The reports area's composition root. What the report handlers share: the campaign (404 if unknown), its
 * batches, and rows with clicks.
 */
export const reportDeps = (config: Config = readConfig()) => {
  const campaigns = campaignDeps(config);
  const store = dynamoReportStore(dynamoDocumentClient(), config.TABLE_NAME);
  const rows = async (
    messages: readonly { batch: Batch; message: Batch['messages'][number] }[],
    showPhone: (phone: string) => string,
    known?: ReadonlyMap<string, number>,
  ): Promise<MessageRow[]> => {
    const codes = messages.flatMap(({ message }) => (message.code ? [message.code] : []));
    const clicks = known ?? (codes.length ? await store.clicksOf(codes) : new Map<string, number>());
    return messages.map(({ batch, message }) =>
      toMessageRow(batch, message, showPhone, message.code ? clicks.get(message.code) : undefined),
    );
  };
  return {
    store,
    campaign: (id: string) => getCampaign(campaigns, id),
    /**
     * Rows of these messages, each with its link's clicks when it has a link: from `clicks` when given (a
     * whole report loads its campaign's clicked links once), else read for these codes.
     */
    rows,
    /** The campaign's whole report.csv, chunk by chunk (report.csv and its exports), with `clicks` of it. */
    csv: (
      campaignId: string,
      showPhone: (phone: string) => string,
      clicks: ReadonlyMap<string, number>,
      onRows?: (rows: number) => void,
    ) =>
      reportCsv(
        store.batchesFrom(campaignId, 0),
        (batches) =>
          rows(
            batches.flatMap((batch) => batch.messages.map((message) => ({ batch, message }))),
            showPhone,
            clicks,
          ),
        store.suppressedFrom(campaignId, 0),
        showPhone,
        onRows,
      ),
  };
};
