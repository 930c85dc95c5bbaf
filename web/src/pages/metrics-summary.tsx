import { useEffect, useMemo, useState } from 'preact/hooks';
import { unwrap } from '../api/client.js';
import { useApp } from '../app-context.js';
import { Button, ErrorSummary, Field, describedBy, formErrors } from '../components/form.js';
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
  const [from, setFrom] = useState(() => localDate(new Date(), DEFAULT_DAYS));
  const [to, setTo] = useState(() => localDate(new Date()));
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
  useEffect(() => void load(from, to), []);

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
      <form
        class="filters"
        onSubmit={(event) => {
          event.preventDefault();
          void load(from, to);
        }}
      >
        <Field id="summary-from" label={t.summary.from} error={byField.from}>
          <input
            type="date"
            value={from}
            {...describedBy('summary-from', { error: byField.from })}
            onInput={(event) => setFrom(event.currentTarget.value)}
          />
        </Field>
        <Field id="summary-to" label={t.summary.to} error={byField.to}>
          <input
            type="date"
            value={to}
            {...describedBy('summary-to', { error: byField.to })}
            onInput={(event) => setTo(event.currentTarget.value)}
          />
        </Field>
        <Button type="submit" busy={loading}>
          {t.summary.show}
        </Button>
      </form>
      <ErrorSummary messages={general} />
      {!summary ? (
        error ? null : (
          <p>{t.common.loading}</p>
        )
      ) : (
        <>
          <h2>{t.summary.totals}</h2>
          <dl class="stats" data-testid="summary-totals">
            {funnel(summary.totals).map((step) => (
              <div key={step.key}>
                <dt>{t.metrics.funnelSteps[step.key]}</dt>
                <dd data-testid={`total-${step.key}`}>{number(step.count)}</dd>
              </div>
            ))}
            <div>
              <dt>{t.metrics.failed}</dt>
              <dd>{number(summary.totals.failed)}</dd>
            </div>
            <div>
              <dt>{t.metrics.cost}</dt>
              <dd>{money(summary.totals.cost)}</dd>
            </div>
          </dl>
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
              <div class="table-wrap">
                <table class="table table--stack" aria-label={t.summary.campaigns}>
                  <thead>
                    <tr>
                      <th scope="col">{t.summary.campaign}</th>
                      <th scope="col">{t.campaigns.status}</th>
                      <th scope="col">{t.summary.sendAt}</th>
                      <th scope="col" class="num">
                        {t.metrics.funnelSteps.targeted}
                      </th>
                      <th scope="col" class="num">
                        {t.metrics.sent}
                      </th>
                      <th scope="col" class="num">
                        {t.metrics.delivered}
                      </th>
                      <th scope="col" class="num">
                        {t.metrics.clicks}
                      </th>
                      <th scope="col" class="num">
                        {t.metrics.cost}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {summary.campaigns.map((row) => (
                      <tr key={row.campaignId} data-campaign={row.campaignId}>
                        <td data-label={t.summary.campaign}>
                          <Link href={`/campaigns/${row.campaignId}/metrics`}>{row.name}</Link>
                        </td>
                        <td data-label={t.campaigns.status}>
                          <span class={`status status--${row.status}`}>
                            {t.status[row.status] ?? row.status}
                          </span>
                        </td>
                        <td data-label={t.summary.sendAt}>{dateTime(row.sendAt)}</td>
                        <td class="num" data-label={t.metrics.funnelSteps.targeted}>
                          {number(row.targeted)}
                        </td>
                        <td class="num" data-label={t.metrics.sent}>
                          {number(row.sent)}
                        </td>
                        <td class="num" data-label={t.metrics.delivered}>
                          {number(row.delivered)}
                        </td>
                        <td class="num" data-label={t.metrics.clicks}>
                          {number(row.clicks)}
                        </td>
                        <td class="num" data-label={t.metrics.cost}>
                          {money(row.cost)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </>
      )}
    </section>
  );
};
