import { useState } from 'preact/hooks';
import { unwrap } from '../api/client.js';
import { useApp } from '../app-context.js';
import { auditAction, auditActor, auditDetails, type AuditEntry } from '../admin/audit-describe.js';
import { Button, ErrorSummary, Form, TextField, formErrors } from '../components/form.js';
import { PagedTable } from '../components/loaded.js';
import { PageTitle } from '../components/page-title.js';
import { usePagedList } from '../list/use-paged-list.js';
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
  const [names, setNames] = useState<Record<string, string>>({});

  const nameCampaigns = (entries: readonly AuditEntry[]) => {
    const unknown = [...new Set(entries.map((entry) => entry.campaignId))].filter((id) => !(id in names));
    for (const id of unknown)
      void unwrap(api.GET('/v1/campaigns/{campaignId}', { params: { path: { campaignId: id } } })).then(
        (campaign) => setNames((known) => ({ ...known, [id]: campaign.name })),
        // A campaign that cannot be read is still named by its id.
        () => undefined,
      );
  };

  const list = usePagedList<AuditEntry>(
    async (cursor) => {
      const page = await unwrap(
        api.GET('/v1/audit', {
          params: {
            query: { limit: 50, ...(campaignId ? { campaignId } : {}), ...(cursor ? { cursor } : {}) },
          },
        }),
      );
      nameCampaigns(page.items);
      return page;
    },
    [campaignId],
  );

  const filterBy = (id: string) => {
    const trimmed = id.trim();
    navigate(trimmed ? `/audit?campaignId=${encodeURIComponent(trimmed)}` : '/audit');
  };

  const { byField, general } = formErrors(list.error, FIELDS, t);
  return (
    <section>
      <PageTitle text={words.title} />
      <p>{words.intro}</p>
      <Form class="audit-filter" onSubmit={() => filterBy(typed)}>
        <TextField
          id="audit-campaign"
          type="search"
          spellcheck={false}
          label={words.campaign}
          hint={words.campaignHint}
          error={byField.campaignId}
          value={typed}
          onValue={setTyped}
        />
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
      </Form>
      <ErrorSummary messages={general} />
      <PagedTable
        list={list}
        empty={<p>{campaignId ? words.emptyFor(campaignId) : words.empty}</p>}
        label={words.title}
        rowKey={(entry) => entry.id}
        rowData={(entry) => ({ 'data-action': entry.action })}
        columns={[
          { label: words.when, cell: (entry) => dateTime(entry.at) },
          { label: words.who, cell: (entry) => auditActor(entry, t) },
          { label: words.action, cell: (entry) => auditAction(entry, t) },
          {
            label: words.campaignColumn,
            cell: (entry) => (
              <Link href={`/campaigns/${entry.campaignId}`}>
                {names[entry.campaignId] ?? entry.campaignId}
              </Link>
            ),
          },
          {
            label: words.details,
            cell: (entry) => (
              <ul class="plain-list">
                {auditDetails(entry, t).map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            ),
          },
        ]}
      />
    </section>
  );
};
