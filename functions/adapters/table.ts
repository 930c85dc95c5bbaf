/**
 * The single DynamoDB table: every key builder and every access pattern lives here, so the Lambda code,
 * the local runtime, the tests and the CDK stack share one definition.
 *
 * | Entity / pattern                     | pk                     | sk                    | index `lists` (listPk / listSk)  |
 * |--------------------------------------|------------------------|-----------------------|----------------------------------|
 * | Partner (get by id)                  | PARTNER#{id}           | PARTNER               | PARTNERS / {id}                  |
 * | List partners                        | query index `lists`, listPk = PARTNERS                                            |
 * | Idempotency record of a POST         | IDEMPOTENCY#{user}#{route}#{key} | IDEMPOTENCY | —  (expires through `ttl`)        |
 *
 * Rules: no Scan on a request path; each list is one Query on `lists` (or a collection under one pk);
 * counters live on the item they count. Times are ISO 8601 UTC strings, so they sort as strings.
 */

export const TTL_ATTRIBUTE = 'ttl';

export const INDEX = {
  /** Lists of one kind of thing in a stable order: partners, audiences, campaigns by status, audit trail. */
  lists: { name: 'lists', partitionKey: 'listPk', sortKey: 'listSk' },
} as const;

/** The table's key schema, read by the CDK construct and by the local runtime's create-table. */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: Object.values(INDEX),
  ttlAttribute: TTL_ATTRIBUTE,
} as const;

export const keys = {
  partner: (id: string) => ({ pk: `PARTNER#${id}`, sk: 'PARTNER' }),
  partnerList: (id: string) => ({ listPk: 'PARTNERS', listSk: id }),
  partnersListPk: 'PARTNERS',
  idempotency: (userId: string, routeId: string, key: string) => ({
    pk: `IDEMPOTENCY#${userId}#${routeId}#${key}`,
    sk: 'IDEMPOTENCY',
  }),
} as const;

export type ItemKey = { pk: string; sk: string };

/** Seconds since the epoch, as DynamoDB's TTL attribute expects. */
export const ttlAfter = (now: Date, seconds: number): number => Math.floor(now.getTime() / 1000) + seconds;
