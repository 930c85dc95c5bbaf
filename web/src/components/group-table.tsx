import type { ComponentChildren } from 'preact';
import { ColumnHeaders, RowCells, type Column } from './data-table.js';

export type GroupColumn<R> = Pick<Column<R>, 'label' | 'cell' | 'num'>;

/**
 * Counts by group: one row per group (its name a row header), one column per measure, in a scrolling
 * region reachable by keyboard (these tables are wider than a phone). The caption is shown, or only read
 * out when a heading above already says it (`captionHidden`).
 */
export const GroupTable = <R,>({
  caption,
  captionHidden = false,
  label,
  rows,
  rowKey,
  name,
  columns,
  testId,
  rowClass,
  class: tableClass = 'table',
}: {
  caption: string;
  captionHidden?: boolean;
  /** The header of the groups' column. */
  label: string;
  rows: readonly R[];
  rowKey: (row: R) => string;
  name: (row: R) => ComponentChildren;
  columns: readonly GroupColumn<R>[];
  testId?: string;
  rowClass?: (row: R) => string | undefined;
  class?: string;
}) => (
  <div class="table-wrap" role="region" aria-label={caption} tabIndex={0}>
    <table class={tableClass} data-testid={testId}>
      <caption class={captionHidden ? 'visually-hidden' : 'caption'}>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{label}</th>
          <ColumnHeaders columns={columns} />
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)} class={rowClass?.(row)}>
            <th scope="row">{name(row)}</th>
            <RowCells columns={columns} row={row} />
          </tr>
        ))}
      </tbody>
    </table>
  </div>
);

/** A GroupTable under its own heading, or `empty` in words when there is no row. */
export const GroupSection = <R,>({
  empty,
  ...table
}: Omit<Parameters<typeof GroupTable<R>>[0], 'captionHidden'> & { empty?: string }) => (
  <section>
    <h2>{table.caption}</h2>
    {empty !== undefined && table.rows.length === 0 ? (
      <p>{empty}</p>
    ) : (
      <GroupTable {...table} captionHidden />
    )}
  </section>
);
