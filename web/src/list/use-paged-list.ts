import { useEffect, useRef, useState } from 'preact/hooks';
import {
  emptyPagedList,
  reducePagedList,
  type Page,
  type PagedAction,
  type PagedList,
} from './paged-list.js';

export interface PagedListHandle<T> extends PagedList<T> {
  /** Asks for the next page, unless one is on its way already. */
  loadMore(): void;
  /** Changes rows in place, e.g. after an action on one of them. */
  update(update: (items: readonly T[]) => readonly T[]): void;
}

/**
 * A list read a page at a time through `fetchPage` (called without a cursor for the first page), read
 * again from its first page whenever one of `filters` changes. At most one request of the current list is
 * on its way; an answer to a list the filters have since replaced is dropped.
 */
export const usePagedList = <T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  filters: readonly unknown[],
): PagedListHandle<T> => {
  // The reducer's state in a ref as well, so that two clicks before a render still see the first request.
  const current = useRef(emptyPagedList<T>());
  const [shown, setShown] = useState(current.current);
  const fetchLatest = useRef(fetchPage);
  fetchLatest.current = fetchPage;

  const dispatch = (action: PagedAction<T>): boolean => {
    const next = reducePagedList(current.current, action);
    if (next === current.current) return false;
    current.current = next;
    setShown(next);
    return true;
  };
  const request = (cursor: string | undefined) => {
    const { generation } = current.current;
    fetchLatest.current(cursor).then(
      (page) => dispatch({ type: 'page', generation, page }),
      (error: unknown) => dispatch({ type: 'failed', generation, error }),
    );
  };

  useEffect(() => {
    dispatch({ type: 'reload' });
    request(undefined);
    return () => void dispatch({ type: 'abandon' });
  }, filters);

  return {
    ...shown,
    loadMore: () => {
      const cursor = current.current.nextCursor ?? undefined;
      if (dispatch({ type: 'more' })) request(cursor);
    },
    update: (update) => void dispatch({ type: 'update', update }),
  };
};
