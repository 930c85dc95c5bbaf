import type { ComponentChildren } from 'preact';
import type { PagedListHandle } from '../list/use-paged-list.js';
import { useI18n } from '../i18n/index.js';
import { DataTable, type DataTableProps } from './data-table.js';
import { Button } from './form.js';

/**
 * What is read from the API once it has arrived; until then "loading", or nothing when the read failed
 * (the page's ErrorSummary says why).
 */
export const Loaded = <T,>({
  value,
  error,
  children,
}: {
  value: T | undefined;
  error: unknown;
  children: (value: T) => ComponentChildren;
}) => {
  const { t } = useI18n();
  if (value !== undefined) return <>{children(value)}</>;
  return error ? null : <p>{t.common.loading}</p>;
};

/**
 * A list read a page at a time (`usePagedList`): loading, `empty` when it has no row, the rows, and
 * "Xem thêm" while there are more (busy while the next page is on its way, so it is asked for once).
 */
export const PagedRows = <T,>({
  list,
  empty,
  children,
}: {
  list: PagedListHandle<T>;
  empty: ComponentChildren;
  children: (items: readonly T[]) => ComponentChildren;
}) => {
  const { t } = useI18n();
  return (
    <>
      <Loaded value={list.items} error={list.error}>
        {(items) => (items.length === 0 ? empty : children(items))}
      </Loaded>
      {list.nextCursor ? (
        <Button variant="secondary" busy={list.loading} onClick={list.loadMore}>
          {t.common.more}
        </Button>
      ) : null}
    </>
  );
};

/** A list read a page at a time as a DataTable (see PagedRows); `order` sorts the rows read so far. */
export const PagedTable = <T,>({
  list,
  empty,
  order,
  ...table
}: {
  list: PagedListHandle<T>;
  empty: ComponentChildren;
  order?: (items: readonly T[]) => readonly T[];
} & Omit<DataTableProps<T>, 'rows'>) => (
  <PagedRows list={list} empty={empty}>
    {(items) => <DataTable {...table} rows={order ? order(items) : items} />}
  </PagedRows>
);
