import { useEffect, useMemo, useState } from 'preact/hooks';
import { unwrap } from '../api/client.js';
import { useApp } from '../app-context.js';
import { ErrorSummary, Form, TextField, formErrors } from '../components/form.js';
import { DataTable } from '../components/data-table.js';
import { Loaded } from '../components/loaded.js';
import { Facts } from '../components/facts.js';
import { PageTitle } from '../components/page-title.js';
import { TimeChart, type ChartInput } from '../components/time-chart.js';
import { useI18n } from '../i18n/index.js';
import { funnel, localDate, summaryWindow, type MetricsSummary } from '../metrics/view.js';
import { Link } from '../router.js';

const DEFAULT_DAYS = 30;

/** Totals and one row per campaign for a date range (`GET /v1/metrics/summary`), with a chart of them. */
export const MetricsSummaryPage = () => {
  const { t, number, money, dateTime, date, lang } = useI18n();
  const { api } = useApp();
  const [range, setRange] = useState(() => ({
    from: localDate(new Date(), DEFAULT_DAYS),
    to: localDate(new Date()),
  }));
  const [summary, setSummary] = useState<MetricsSummary>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(false);

  const load = async (fromDate: string, toDate: string) => {
    setError(undefined);
    if (!fromDate || !toDate) {
      setError(new Error(`${!fromDate ? t.summary.from : t.summary.to}: ${t.common.required}`));
      return;
    }
    setLoading(true);
    try {
      const query = summaryWindow(fromDate, toDate);
      setSummary(await unwrap(api.GET('/v1/metrics/summary', { params: { query } })));
    } catch (failure) {
      setError(failure);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => void load(range.from, range.to), []);

  const chart = useMemo<ChartInput | undefined>(() => {
    if (!summary) return undefined;
    const rows = summary.campaigns;
    return {
      key: `summary|${lang}`,
      kind: 'bars',
      times: rows.map((_, i) => i),
      series: [
        { label: t.metrics.series.sent, color: '#1d70b8', values: rows.map((r) => r.sent) },
        { label: t.metrics.series.delivered, color: '#00703c', values: rows.map((r) => r.delivered) },
      ],
      formatX: (index) => {
        const row = rows[Math.round(index)];
        return row && Number.isInteger(index) ? `${row.name} (${date(row.sendAt)})` : '';
      },
      formatY: (value) => number(value),
      xLabel: t.summary.campaign,
      stepSeconds: 1,
    };
  }, [summary, lang]);

  const { byField, general } = formErrors(error, ['from', 'to'], t);
  return (
    <section>
      <PageTitle text={t.summary.title} />
      <p>{t.summary.intro}</p>
      <Form
        class="filters"
        onSubmit={() => load(range.from, range.to)}
        submit={t.summary.show}
        busy={loading}
      >
        {(['from', 'to'] as const).map((end) => (
          <TextField
            key={end}
            id={`summary-${end}`}
            type="date"
            label={t.summary[end]}
            error={byField[end]}
            value={range[end]}
            onValue={(value) => setRange((now) => ({ ...now, [end]: value }))}
          />
        ))}
      </Form>
      <ErrorSummary messages={general} />
      <Loaded value={summary} error={error}>
        {(summary) => (
          <>
            <h2>{t.summary.totals}</h2>
            <Facts
              testId="summary-totals"
              items={[
                ...funnel(summary.totals).map((step) => ({
                  label: t.metrics.funnelSteps[step.key],
                  value: number(step.count),
                  testId: `total-${step.key}`,
                })),
                { label: t.metrics.failed, value: number(summary.totals.failed) },
                { label: t.metrics.cost, value: money(summary.totals.cost) },
              ]}
            />
            <h2>{t.summary.campaigns}</h2>
            {summary.campaigns.length === 0 ? (
              <p data-testid="summary-empty">{t.summary.empty}</p>
            ) : (
              <>
                {chart ? (
                  <TimeChart
                    testId="summary-chart"
                    title={t.summary.chart}
                    xLabel={t.summary.campaign}
                    summary={t.metrics.chartSummary(
                      number(summary.totals.sent),
                      number(summary.totals.delivered),
                      number(summary.totals.failed),
                      number(summary.totals.clicks),
                    )}
                    input={chart}
                  />
                ) : null}
                <DataTable
                  label={t.summary.campaigns}
                  rows={summary.campaigns}
                  rowKey={(row) => row.campaignId}
                  rowData={(row) => ({ 'data-campaign': row.campaignId })}
                  columns={[
                    {
                      label: t.summary.campaign,
                      cell: (row) => <Link href={`/campaigns/${row.campaignId}/metrics`}>{row.name}</Link>,
                    },
                    {
                      label: t.campaigns.status,
                      cell: (row) => (
                        <span class={`status status--${row.status}`}>
                          {t.status[row.status] ?? row.status}
                        </span>
                      ),
                    },
                    { label: t.summary.sendAt, cell: (row) => dateTime(row.sendAt) },
                    { label: t.metrics.funnelSteps.targeted, num: true, cell: (row) => number(row.targeted) },
                    { label: t.metrics.sent, num: true, cell: (row) => number(row.sent) },
                    { label: t.metrics.delivered, num: true, cell: (row) => number(row.delivered) },
                    { label: t.metrics.clicks, num: true, cell: (row) => number(row.clicks) },
                    { label: t.metrics.cost, num: true, cell: (row) => money(row.cost) },
                  ]}
                />
              </>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
};
