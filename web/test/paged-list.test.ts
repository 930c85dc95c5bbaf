import { describe, expect, it } from 'vitest';
import { emptyPagedList, reducePagedList, type PagedAction, type PagedList } from '../src/list/paged-list.js';

const run = (actions: PagedAction<string>[], from: PagedList<string> = emptyPagedList()) =>
  actions.reduce(reducePagedList, from);
const page = (
  generation: number,
  items: string[],
  nextCursor: string | null = null,
): PagedAction<string> => ({
  type: 'page',
  generation,
  page: { items, nextCursor },
});

describe('a list read a page at a time', () => {
  it('shows loading, then the first page, then appends the next one', () => {
    const loading = run([{ type: 'reload' }]);
    expect(loading).toMatchObject({ items: undefined, loading: true, generation: 1 });
    const first = run([page(1, ['a', 'b'], 'c1')], loading);
    expect(first).toMatchObject({ items: ['a', 'b'], nextCursor: 'c1', loading: false });
    const more = run([{ type: 'more' }], first);
    expect(more).toMatchObject({ items: ['a', 'b'], loading: true });
    expect(run([page(1, ['c'])], more)).toMatchObject({
      items: ['a', 'b', 'c'],
      nextCursor: null,
      loading: false,
    });
  });

  it('asks for the next page once: a second "more" while one is on its way changes nothing', () => {
    const more = run([{ type: 'reload' }, page(1, ['a'], 'c1'), { type: 'more' }]);
    expect(reducePagedList(more, { type: 'more' })).toBe(more);
  });

  it('offers no next page before the first has arrived, nor after the last', () => {
    const loading = run([{ type: 'reload' }]);
    expect(reducePagedList(loading, { type: 'more' })).toBe(loading);
    const last = run([page(1, ['a'])], loading);
    expect(reducePagedList(last, { type: 'more' })).toBe(last);
  });

  it('drops an answer to the list before the filter changed, and keeps the new one', () => {
    // The second page of the old filter is on its way when the filter changes.
    const reloaded = run([{ type: 'reload' }, page(1, ['old'], 'c1'), { type: 'more' }, { type: 'reload' }]);
    expect(reloaded).toMatchObject({ items: undefined, loading: true, generation: 2 });
    const stale = reducePagedList(reloaded, page(1, ['old-2']));
    expect(stale).toBe(reloaded);
    expect(reducePagedList(reloaded, { type: 'failed', generation: 1, error: new Error('late') })).toBe(
      reloaded,
    );
    expect(run([page(2, ['new'])], stale)).toMatchObject({ items: ['new'], loading: false });
  });

  it('drops whatever arrives after the page was left', () => {
    const left = run([{ type: 'reload' }, { type: 'abandon' }]);
    expect(left.loading).toBe(false);
    expect(reducePagedList(left, page(1, ['a']))).toBe(left);
  });

  it('keeps the rows and the next page when the next page fails, and clears the error on a new try', () => {
    const failed = run([
      { type: 'reload' },
      page(1, ['a'], 'c1'),
      { type: 'more' },
      { type: 'failed', generation: 1, error: 'down' },
    ]);
    expect(failed).toMatchObject({ items: ['a'], nextCursor: 'c1', loading: false, error: 'down' });
    expect(reducePagedList(failed, { type: 'more' })).toMatchObject({ loading: true, error: undefined });
  });

  it('a first page that fails leaves no rows, and the error', () => {
    expect(run([{ type: 'reload' }, { type: 'failed', generation: 1, error: 'down' }])).toMatchObject({
      items: undefined,
      loading: false,
      error: 'down',
    });
  });

  it('changes rows in place, once there are rows', () => {
    const shown = run([{ type: 'reload' }, page(1, ['a', 'b'])]);
    const upper = {
      type: 'update',
      update: (items: readonly string[]) => items.map((item) => item.toUpperCase()),
    } as const;
    expect(reducePagedList(shown, upper).items).toEqual(['A', 'B']);
    const loading = run([{ type: 'reload' }]);
    expect(reducePagedList(loading, upper)).toBe(loading);
  });
});
