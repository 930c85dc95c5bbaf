import { decodeCursor, encodeCursor } from '#adapters/cursor.js';
import { detail, ValidationError } from '#core/errors.js';
import { pageOfReport, toPosition, toSuppressedRow } from '#core/reports.js';
import { phoneFor } from '#core/roles.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';
import { reportDeps } from './deps.js';

const deps = reportDeps();

/** A page reads at most this many batches (~20,000 messages), so a rare status filter stays quick. */
const MAX_BATCHES_PER_PAGE = 200;
/** Messages in a full batch: a page of `limit` messages usually spans ceil(limit / 100) + 1 batches. */
const MESSAGES_PER_BATCH = 100;

const positionOf = (cursor: string | undefined) => {
  const decoded = decodeCursor(cursor);
  if (!decoded) return undefined;
  const position = toPosition(decoded);
  if (!position) throw new ValidationError('Invalid cursor', [detail('cursor', 'invalid_cursor')]);
  return position;
};

export const handler = api(routes.listCampaignMessages, async ({ params, query, actor }) => {
  const from = positionOf(query.cursor);
  // Without a status filter a page needs only the batches its rows are in; with one, it reads on (1 MB
  // reads) until it has the rows or MAX_BATCHES_PER_PAGE batches.
  const pageSize = query.status ? undefined : Math.ceil(query.limit / MESSAGES_PER_BATCH) + 1;
  // The campaign check (404) and the first read run together.
  const [, found] = await Promise.all([
    deps.campaign(params.campaignId),
    pageOfReport(
      {
        batchesFrom: (seq) => deps.store.batchesFrom(params.campaignId, seq, pageSize),
        suppressedFrom: (chunk) => deps.store.suppressedFrom(params.campaignId, chunk),
      },
      {
        ...(from ? { from } : {}),
        ...(query.status ? { status: query.status } : {}),
        limit: query.limit,
        maxBatches: MAX_BATCHES_PER_PAGE,
      },
    ),
  ]);
  const showPhone = phoneFor(actor);
  return {
    status: 200,
    body: {
      items: [
        ...(await deps.rows(found.messages, showPhone)),
        ...found.suppressed.map(({ recipient, at }) => toSuppressedRow(recipient, at, showPhone)),
      ],
      nextCursor: found.next ? encodeCursor({ ...found.next }) : null,
    },
  };
});
