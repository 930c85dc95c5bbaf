import type { ComponentChildren } from 'preact';

export interface Column<T> {
  /** The column's header, and its cells' label when the table stacks on a phone (`data-label`). */
  label: string;
  cell: (row: T) => ComponentChildren;
  /** A number: right-aligned, header and cells. */
  num?: boolean;
  /** The cells' own class, e.g. `actions`. */
  class?: string;
  testId?: string;
}

export interface DataTableProps<T> {
  /** The table's accessible name. */
  label: string;
  /**
   * The id of a heading above the table that names it; the scrolling wrapper is then a focusable region
   * named by that heading, for a keyboard to reach a table wider than a phone.
   */
  titleId?: string;
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T, index: number) => string;
  /** `data-*` attributes of a row, which the browser tests find it by. */
  rowData?: (row: T) => Record<`data-${string}`, string>;
  class?: string;
}

/** A column's cells' class: `num` for a number (right-aligned), and its own class. */
const cellClass = (column: Column<never>): string | undefined =>
  [column.num ? 'num' : '', column.class ?? ''].filter(Boolean).join(' ') || undefined;

/**
 * One row's data cells, one per column; `stacking` labels each by its column, for a table that turns its
 * rows into cards on a phone.
 */
export const RowCells = <T,>({
  columns,
  row,
  stacking = false,
}: {
  columns: readonly Column<T>[];
  row: T;
  stacking?: boolean;
}) => (
  <>
    {columns.map((column) => (
      <td
        key={column.label}
        class={cellClass(column)}
        data-label={stacking ? column.label : undefined}
        data-testid={column.testId}
      >
        {column.cell(row)}
      </td>
    ))}
  </>
);

/** One header cell per column, a number's right-aligned (DataTable's and GroupTable's header row). */
export const ColumnHeaders = ({ columns }: { columns: readonly { label: string; num?: boolean }[] }) => (
  <>
    {columns.map((column) => (
      <th key={column.label} scope="col" class={column.num ? 'num' : undefined}>
        {column.label}
      </th>
    ))}
  </>
);

/**
 * A table of rows, one column per `columns` entry, in a scrolling wrapper; `table--stack` (the default)
 * turns each row into a card on a phone, its cells labelled by their column.
 */
export const DataTable = <T,>({
  label,
  titleId,
  columns,
  rows,
  rowKey,
  rowData,
  class: tableClass = 'table table--stack',
}: DataTableProps<T>) => (
  <div class="table-wrap" {...(titleId ? { tabIndex: 0, role: 'region', 'aria-labelledby': titleId } : {})}>
    <table class={tableClass} aria-label={titleId ? undefined : label} aria-labelledby={titleId}>
      <thead>
        <tr>
          <ColumnHeaders columns={columns} />
        </tr>
      </thead>
      <tbody>
        {rows.map((row, index) => (
          <tr key={rowKey(row, index)} {...rowData?.(row)}>
            <RowCells columns={columns} row={row} stacking />
          </tr>
        ))}
      </tbody>
    </table>
  </div>
);
