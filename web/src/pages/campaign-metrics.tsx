import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { unwrap, type Campaign } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { useApp } from '../app-context.js';
import { Button, ErrorSummary, formErrors, useBusy } from '../components/form.js';
import { Facts, type Fact } from '../components/facts.js';
import { GroupSection, GroupTable, type GroupColumn } from '../components/group-table.js';
import { PageTitle } from '../components/page-title.js';
import { ContentMetrics } from '../components/content-metrics.js';
import { TimeChart, type ChartInput } from '../components/time-chart.js';
import { useI18n, type I18n } from '../i18n/index.js';
import { createPoller, type PollOutcome } from '../metrics/poll-schedule.js';
import {
  TIMELINE_SERIES,
  funnel,
  isSettled,
  hasMetrics,
  metricsChanged,
  reasonRows,
  tallyRows,
  timelineColumns,
  type CampaignMetrics,
  type Tally,
} from '../metrics/view.js';
import { downloadReport } from '../metrics/report-download.js';
import { Link } from '../router.js';

type Granularity = 'hour' | 'minute';

/** Colours of the chart's series, with at least 3:1 contrast on white. */
const SERIES_COLOURS = { sent: '#1d70b8', delivered: '#00703c', failed: '#d4351c', clicks: '#6f3c97' };

const percent = (share: number, lang: I18n['lang']) =>
  new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
    style: 'percent',
    maximumFractionDigits: 1,
  }).format(share);

type Count =
  | 'suppressed'
  | 'queued'
  | 'pending'
  | 'failed'
  | 'clicks'
  | 'uniqueClicks'
  | 'replies'
  | 'optOuts'
  | 'segments';

/** Counts of the metrics, each value found by the tests as `count-<key>`. */
const countFacts = ({ t, number }: I18n, metrics: CampaignMetrics, keys: readonly Count[]): Fact[] =>
  keys.map((key) => ({ label: t.metrics[key], value: number(metrics[key]), testId: `count-${key}` }));

/** The live metrics of one campaign (contract §7), refreshed while it sends. */
export const CampaignMetricsPage = ({ params }: { params: Record<string, string> }) => {
  const i18n = useI18n();
  const { t, number, money, dateTime, time, date, lang } = i18n;
  const { api } = useApp();
  const campaignId = params.campaignId ?? '';
  const [campaign, setCampaign] = useState<Campaign>();
  const [metrics, setMetrics] = useState<CampaignMetrics>();
  const [granularity, setGranularity] = useState<Granularity>('hour');
  const [error, setError] = useState<unknown>();
  const [retryIn, setRetryIn] = useState<number>();
  const [live, setLive] = useState(true);
  const [downloadError, setDownloadError] = useState<string>();
  const { busy, run } = useBusy();
  const last = useRef<CampaignMetrics>();
  const wanted = useRef(granularity);
  wanted.current = granularity;

  useEffect(() => {
    void unwrap(api.GET('/v1/campaigns/{campaignId}', { params: { path: { campaignId } } }))
      .then(setCampaign)
      .catch(setError);
  }, [campaignId]);

  useEffect(() => {
    last.current = undefined;
    setLive(true);
    const tick = async (): Promise<PollOutcome> => {
      try {
        const next = await unwrap(
          api.GET('/v1/campaigns/{campaignId}/metrics', {
            params: { path: { campaignId }, query: { granularity: wanted.current } },
          }),
        );
        const changed = metricsChanged(last.current, next);
        last.current = next;
        setMetrics(next);
        setError(undefined);
        if (isSettled(next)) {
          setLive(false);
          return 'final';
        }
        return changed ? 'changed' : 'unchanged';
      } catch (failure) {
        setError(failure);
        // An unknown campaign or a refused role will not get better by asking again.
        if (failure instanceof ApiError && [401, 403, 404].includes(failure.status)) {
          setLive(false);
          return 'final';
        }
        return 'failed';
      }
    };
    const poller = createPoller(
      tick,
      {
        setTimeout: (go, ms) => window.setTimeout(go, ms),
        clearTimeout: (handle) => window.clearTimeout(handle),
      },
      { onSchedule: setRetryIn },
    );
    const onVisibility = () => (document.hidden ? poller.pause() : poller.resume());
    document.addEventListener('visibilitychange', onVisibility);
    poller.start();
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      poller.stop();
    };
  }, [campaignId, granularity]);

  const chart = useMemo<ChartInput | undefined>(() => {
    if (!metrics) return undefined;
    const { times, series } = timelineColumns(metrics.timeline);
    const zone = campaign?.timeZone;
    return {
      key: `${metrics.granularity}|${lang}`,
      kind: 'line',
      times,
      series: TIMELINE_SERIES.map((key) => ({
        label: t.metrics.series[key],
        color: SERIES_COLOURS[key],
        values: series[key],
      })),
      formatX: (seconds) => {
        const at = new Date(seconds * 1000);
        return metrics.granularity === 'minute' ? time(at, zone) : `${time(at, zone)} ${date(at, zone)}`;
      },
      formatY: (value) => number(value),
      xLabel: t.metrics.time,
      stepSeconds: metrics.granularity === 'minute' ? 60 : 3600,
      formatTick: (seconds) => time(new Date(seconds * 1000), zone),
    };
  }, [metrics, lang, campaign?.timeZone]);

  const notFound = error instanceof ApiError && error.status === 404;
  const { general } = formErrors(notFound ? undefined : error, [], t);
  const name = campaign?.name ?? '';
  const currency = metrics?.currency ?? campaign?.estimate.currency ?? 'VND';

  const download = () =>
    run(async () => {
      setDownloadError(undefined);
      try {
        await downloadReport(api, campaignId, `${name || campaignId}.csv`);
      } catch (failure) {
        const { general: why } = formErrors(failure, [], t);
        setDownloadError(t.metrics.downloadFailed(why.join(' ') || String(failure)));
      }
    });

  if (notFound)
    return (
      <section>
        <PageTitle text={t.metrics.unknown} />
        <p data-testid="metrics-unknown">{t.metrics.unknown}</p>
        <Link href="/campaigns">{t.common.back}</Link>
      </section>
    );

  return (
    <section class="metrics">
      <div class="page-head">
        <PageTitle text={t.metrics.title(name)} />
        <div class="actions">
          <Button variant="secondary" busy={busy} onClick={() => void download()}>
            {busy ? t.metrics.downloading : t.metrics.download}
          </Button>
          <Link class="button button--secondary" href={`/campaigns/${campaignId}/messages`}>
            {t.metrics.messages}
          </Link>
        </div>
      </div>
      <ErrorSummary messages={[...general, ...(downloadError ? [downloadError] : [])]} />
      {!metrics ? (
        <p>{t.common.loading}</p>
      ) : (
        <>
          <p class="metrics__state" role="status" data-testid="metrics-state">
            <span class={`status status--${metrics.status}`} data-testid="metrics-status">
              {t.status[metrics.status] ?? metrics.status}
            </span>{' '}
            {!hasMetrics({ status: metrics.status, startedAt: campaign?.startedAt })
              ? t.metrics.notStarted
              : live
                ? error && retryIn !== undefined
                  ? t.metrics.retrying(number(Math.round(retryIn / 1000)))
                  : metrics.status === 'paused'
                    ? t.metrics.paused
                    : t.metrics.live
                : t.metrics.final}{' '}
            {metrics.updatedAt ? (
              <span class="hint">
                {t.metrics.updatedAt}{' '}
                <span data-testid="metrics-updated">{dateTime(metrics.updatedAt, campaign?.timeZone)}</span>
              </span>
            ) : null}
          </p>
          <h2>{t.metrics.funnel}</h2>
          <ol class="funnel" data-testid="funnel">
            {funnel(metrics).map((step) => (
              <li key={step.key} class="funnel__step" data-step={step.key}>
                <span class="funnel__label">{t.metrics.funnelSteps[step.key]}</span>
                <span class="funnel__count" data-testid={`count-${step.key}`}>
                  {number(step.count)}
                </span>
                {step.rate === undefined ? null : (
                  <span class="funnel__rate">{t.metrics.ofPrevious(percent(step.rate, lang))}</span>
                )}
              </li>
            ))}
          </ol>
          <Facts
            testId="states"
            items={[
              ...countFacts(i18n, metrics, ['suppressed', 'queued', 'pending', 'failed']),
              { label: t.metrics.deliveryRate, value: percent(metrics.deliveryRate, lang) },
            ]}
          />

          <div class="page-head">
            <h2>{t.metrics.timeline}</h2>
            <fieldset class="segmented">
              <legend>{t.metrics.granularity}</legend>
              {(['hour', 'minute'] as const).map((value) => (
                <label key={value}>
                  <input
                    type="radio"
                    name="granularity"
                    value={value}
                    checked={granularity === value}
                    onChange={() => setGranularity(value)}
                  />
                  {t.metrics[value]}
                </label>
              ))}
            </fieldset>
          </div>
          {chart ? (
            <TimeChart
              testId="timeline-chart"
              title={`${t.metrics.timeline} (${t.metrics[metrics.granularity]})`}
              xLabel={t.metrics.time}
              summary={t.metrics.chartSummary(
                number(metrics.sent),
                number(metrics.delivered),
                number(metrics.failed),
                number(metrics.clicks),
              )}
              input={chart}
            />
          ) : null}

          <div>
            <TallyTable
              caption={t.metrics.byCarrier}
              label={t.metrics.carrier}
              record={metrics.byCarrier}
              name={(key) => t.carriers[key] ?? key}
              testId="by-carrier"
            />
            <TallyTable
              caption={t.metrics.byProvince}
              label={t.metrics.province}
              record={metrics.byProvince}
              name={(key) => (key === '' || key === 'unknown' ? t.metrics.noProvince : key)}
              testId="by-province"
            />
          </div>

          <h2>{t.metrics.reasons}</h2>
          {reasonRows(metrics.failureReasons).length === 0 ? (
            <p>{t.metrics.noFailures}</p>
          ) : (
            <GroupTable
              caption={t.metrics.reasons}
              captionHidden
              label={t.metrics.reason}
              rows={reasonRows(metrics.failureReasons)}
              rowKey={(row) => row.key}
              name={(row) => t.failureReasons[row.key] ?? row.key}
              columns={[{ label: t.metrics.count, num: true, cell: (row) => number(row.count) }]}
              testId="reasons"
            />
          )}

          <div class="metrics__grid">
            <section aria-labelledby="engagement-title">
              <h2 id="engagement-title">{t.metrics.engagement}</h2>
              {/* A mode in words, not a count: a line above the tiles, not a tile. */}
              <p>
                {t.editor.clickTracking}:{' '}
                <strong data-testid="click-tracking">
                  {t.editor.clickTrackingModes[metrics.clickTracking]}
                </strong>
              </p>
              <Facts items={countFacts(i18n, metrics, ['clicks', 'uniqueClicks', 'replies', 'optOuts'])} />
            </section>
            <section aria-labelledby="cost-title">
              <h2 id="cost-title">{t.metrics.cost}</h2>
              <Facts
                items={[
                  ...countFacts(i18n, metrics, ['segments']),
                  { label: t.metrics.money, value: money(metrics.cost, currency), testId: 'cost' },
                ]}
              />
            </section>
          </div>
          <ContentMetrics metrics={metrics} />
        </>
      )}
    </section>
  );
};

const TALLY_COLUMNS = ['sent', 'delivered', 'failed', 'deliveryRate'] as const;

/** Sent, delivered and failed by carrier or province, largest volume first. */
const TallyTable = ({
  record,
  name,
  ...table
}: {
  caption: string;
  label: string;
  record: Record<string, Tally>;
  name: (key: string) => string;
  testId: string;
}) => {
  const { t, number, lang } = useI18n();
  return (
    <GroupSection
      {...table}
      empty={t.metrics.none}
      rows={tallyRows(record)}
      rowKey={(row) => row.key}
      name={(row) => name(row.key)}
      columns={TALLY_COLUMNS.map((key): GroupColumn<ReturnType<typeof tallyRows>[number]> => ({
        label: t.metrics[key],
        num: true,
        cell: (row) => (key === 'deliveryRate' ? percent(row[key], lang) : number(row[key])),
      }))}
    />
  );
};
