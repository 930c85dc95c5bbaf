import { decodeCursor, encodeCursor } from '../../adapters/cursor.js';
import { ValidationError } from '../../core/errors.js';
import { pageOfMessages, phoneFor, toPosition } from '../../core/reports.js';
import { api } from '../../http/api.js';
import { routes } from '../routes.js';
import { reportDeps } from './deps.js';

const deps = reportDeps();

/** A page reads at most this many batches (~20,000 messages), so a rare status filter stays quick. */
const MAX_BATCHES_PER_PAGE = 200;

const positionOf = (cursor: string | undefined) => {
  const decoded = decodeCursor(cursor);
  if (!decoded) return undefined;
  const position = toPosition(decoded);
  if (!position)
    throw new ValidationError('Invalid cursor', [
      { path: 'cursor', message: 'is not a cursor this API returned' },
    ]);
  return position;
};

export const handler = api(routes.listCampaignMessages, async ({ params, query, actor }) => {
  const from = positionOf(query.cursor);
  await deps.campaign(params.campaignId);
  const found = await pageOfMessages(deps.store.batchesFrom(params.campaignId, from?.seq ?? 0), {
    ...(from ? { from } : {}),
    ...(query.status ? { status: query.status } : {}),
    limit: query.limit,
    maxBatches: MAX_BATCHES_PER_PAGE,
  });
  return {
    status: 200,
    body: {
      items: await deps.rows(found.rows, phoneFor(actor)),
      nextCursor: found.next ? encodeCursor({ ...found.next }) : null,
    },
  };
});
