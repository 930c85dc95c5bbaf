import { useI18n } from '../i18n/index.js';

/** A two-column table of counts, largest first: members by carrier, by province. */
export const CountsTable = ({
  caption,
  label,
  counts,
  name = (key) => key,
}: {
  caption: string;
  label: string;
  counts: Record<string, number | undefined>;
  name?: (key: string) => string;
}) => {
  const { t, number } = useI18n();
  const rows = Object.entries(counts)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] > 0)
    .sort((a, b) => b[1] - a[1]);
  return (
    // A region the keyboard reaches: on a phone, or in English, the table may be wider than its column.
    <div class="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table class="table">
        <caption class="caption">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{label}</th>
            <th scope="col" class="num">
              {t.audiences.subscribers}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([key, count]) => (
            <tr key={key}>
              <th scope="row">{name(key)}</th>
              <td class="num">{number(count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
};
