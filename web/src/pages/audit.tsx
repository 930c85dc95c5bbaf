import { useEffect, useState } from 'preact/hooks';
import { unwrap } from '../api/client.js';
import { useApp } from '../app-context.js';
import { auditAction, auditActor, auditDetails, type AuditEntry } from '../admin/audit-describe.js';
import { Button, ErrorSummary, Field, describedBy, formErrors } from '../components/form.js';
import { PageTitle } from '../components/page-title.js';
import { useI18n } from '../i18n/index.js';
import { Link, navigate, useLocation } from '../router.js';

const FIELDS = ['campaignId'] as const;

/**
 * The audit log (admin), newest first, a page at a time, optionally of one campaign (`?campaignId=`, so
 * the filter is in the address and survives a reload). Each entry names its campaign by name, read once
 * per campaign on the page.
 */
export const AuditPage = () => {
  const { t, dateTime } = useI18n();
  const words = t.admin.audit;
  const { api } = useApp();
  const { query } = useLocation();
  const campaignId = query.get('campaignId')?.trim() || undefined;
  const [typed, setTyped] = useState(campaignId ?? '');
  const [items, setItems] = useState<AuditEntry[]>();
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [names, setNames] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();

  const nameCampaigns = (entries: readonly AuditEntry[]) => {
    const unknown = [...new Set(entries.map((entry) => entry.campaignId))].filter((id) => !(id in names));
    for (const id of unknown)
      void unwrap(api.GET('/v1/campaigns/{campaignId}', { params: { path: { campaignId: id } } })).then(
        (campaign) => setNames((known) => ({ ...known, [id]: campaign.name })),
        // A campaign that cannot be read is still named by its id.
        () => undefined,
      );
  };

  const load = async (cursor?: string) => {
    setError(undefined);
    try {
      const page = await unwrap(
        api.GET('/v1/audit', {
          params: {
            query: { limit: 50, ...(campaignId ? { campaignId } : {}), ...(cursor ? { cursor } : {}) },
          },
        }),
      );
      setItems((current) => (cursor ? [...(current ?? []), ...page.items] : page.items));
      setNextCursor(page.nextCursor);
      nameCampaigns(page.items);
    } catch (failure) {
      setError(failure);
    }
  };
  useEffect(() => {
    setItems(undefined);
    void load();
  }, [campaignId]);

  const filterBy = (id: string) => {
    const trimmed = id.trim();
    navigate(trimmed ? `/audit?campaignId=${encodeURIComponent(trimmed)}` : '/audit');
  };

  const { byField, general } = formErrors(error, FIELDS, t);
  return (
    <section>
      <PageTitle text={words.title} />
      <p>{words.intro}</p>
      <form
        class="audit-filter"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          filterBy(typed);
        }}
      >
        <Field
          id="audit-campaign"
          label={words.campaign}
          hint={words.campaignHint}
          error={byField.campaignId}
        >
          <input
            {...describedBy('audit-campaign', { hint: true, error: byField.campaignId })}
            type="search"
            value={typed}
            spellcheck={false}
            onInput={(event) => setTyped(event.currentTarget.value)}
          />
        </Field>
        <div class="buttons">
          <Button type="submit" variant="secondary">
            {words.filter}
          </Button>
          {campaignId ? (
            <Button variant="secondary" onClick={() => filterBy('')}>
              {words.clear}
            </Button>
          ) : null}
        </div>
      </form>
      <ErrorSummary messages={general} />
      {!items ? (
        error ? null : (
          <p>{t.common.loading}</p>
        )
      ) : items.length === 0 ? (
        <p>{campaignId ? words.emptyFor(campaignId) : words.empty}</p>
      ) : (
        <div class="table-wrap">
          <table class="table table--stack" aria-label={words.title}>
            <thead>
              <tr>
                <th scope="col">{words.when}</th>
                <th scope="col">{words.who}</th>
                <th scope="col">{words.action}</th>
                <th scope="col">{words.campaignColumn}</th>
                <th scope="col">{words.details}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((entry) => (
                <tr key={entry.id} data-action={entry.action}>
                  <td data-label={words.when}>{dateTime(entry.at)}</td>
                  <td data-label={words.who}>{auditActor(entry, t)}</td>
                  <td data-label={words.action}>{auditAction(entry, t)}</td>
                  <td data-label={words.campaignColumn}>
                    <Link href={`/campaigns/${entry.campaignId}`}>
                      {names[entry.campaignId] ?? entry.campaignId}
                    </Link>
                  </td>
                  <td data-label={words.details}>
                    <ul class="plain-list">
                      {auditDetails(entry, t).map((line) => (
                        <li key={line}>{line}</li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? (
        <Button variant="secondary" onClick={() => void load(nextCursor)}>
          {t.common.more}
        </Button>
      ) : null}
    </section>
  );
};
