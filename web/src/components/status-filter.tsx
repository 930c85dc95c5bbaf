import { navigate } from '../router.js';

/**
 * The status filter above a list: a choice opens `path?status=…`, so the filter is in the address and
 * survives a reload; the first option, `all`, drops it.
 */
export const StatusFilter = <S extends string>({
  id,
  label,
  all,
  statuses,
  name,
  value,
  path,
}: {
  id: string;
  label: string;
  all: string;
  statuses: readonly S[];
  name: (status: S) => string;
  value: S | undefined;
  path: string;
}) => (
  <div class="filters">
    <label for={id}>{label}</label>
    <select
      id={id}
      value={value ?? ''}
      onChange={(event) => {
        const chosen = event.currentTarget.value;
        navigate(chosen ? `${path}?status=${chosen}` : path);
      }}
    >
      <option value="">{all}</option>
      {statuses.map((status) => (
        <option key={status} value={status}>
          {name(status)}
        </option>
      ))}
    </select>
  </div>
);
