/** One page of a list as the API answers it (contract §1: `items` and `nextCursor`). */
export interface Page<T> {
  items: readonly T[];
  nextCursor: string | null;
}

/**
 * A list read a page at a time. `items` is undefined until the first page has arrived; `generation` grows
 * with every (re)load, and an answer carrying an older one is dropped, so a page asked for before the
 * filter changed never lands in the new list.
 */
export interface PagedList<T> {
  items: readonly T[] | undefined;
  nextCursor: string | null;
  loading: boolean;
  error: unknown;
  generation: number;
}

export type PagedAction<T> =
  /** The first page again (the filter changed): the list is emptied and earlier answers dropped. */
  | { type: 'reload' }
  /** The next page; refused while a request is running or when there is none. */
  | { type: 'more' }
  /** The page left (unmounted): whatever is still on its way is dropped. */
  | { type: 'abandon' }
  | { type: 'page'; generation: number; page: Page<T> }
  | { type: 'failed'; generation: number; error: unknown }
  /** A row changed here (e.g. a campaign paused from the list). */
  | { type: 'update'; update: (items: readonly T[]) => readonly T[] };

export const emptyPagedList = <T>(): PagedList<T> => ({
  items: undefined,
  nextCursor: null,
  loading: false,
  error: undefined,
  generation: 0,
});

/** The next state; the same object when the action changes nothing (a refused `more`, a stale answer). */
export const reducePagedList = <T>(state: PagedList<T>, action: PagedAction<T>): PagedList<T> => {
  switch (action.type) {
    case 'reload':
      return { ...emptyPagedList<T>(), loading: true, generation: state.generation + 1 };
    case 'more':
      return state.loading || !state.nextCursor ? state : { ...state, loading: true, error: undefined };
    case 'abandon':
      return { ...state, loading: false, generation: state.generation + 1 };
    case 'page':
      if (action.generation !== state.generation || !state.loading) return state;
      return {
        ...state,
        items: state.items ? [...state.items, ...action.page.items] : action.page.items,
        nextCursor: action.page.nextCursor,
        loading: false,
      };
    case 'failed':
      if (action.generation !== state.generation || !state.loading) return state;
      return { ...state, loading: false, error: action.error };
    case 'update':
      return state.items ? { ...state, items: action.update(state.items) } : state;
  }
};
