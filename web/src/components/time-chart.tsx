import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../i18n/index.js';
import type { ChartInput, DrawnChart } from './uplot-chart.js';

export type { ChartInput, ChartSeries } from './uplot-chart.js';

/**
 * A chart over time (or over campaigns, as bars) drawn by uPlot, which loads in a lazy chunk on first use.
 * Screen readers get a one-line summary as the chart's label and the same numbers as a table below it.
 */
export const TimeChart = ({
  title,
  summary,
  input,
  xLabel,
  testId,
}: {
  title: string;
  /** One sentence with the totals, for the chart's accessible name. */
  summary: string;
  input: ChartInput;
  /** Heading of the table's first column. */
  xLabel: string;
  testId?: string;
}) => {
  const { t, number } = useI18n();
  const target = useRef<HTMLDivElement>(null);
  const chart = useRef<DrawnChart>();
  const latest = useRef(input);
  latest.current = input;
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');

  useEffect(() => {
    let gone = false;
    let observer: ResizeObserver | undefined;
    import('./uplot-chart.js')
      .then(({ drawChart }) => {
        const element = target.current;
        if (gone || !element) return;
        chart.current = drawChart(element, latest.current, element.clientWidth);
        observer = new ResizeObserver(() => chart.current?.resize(element.clientWidth));
        observer.observe(element);
        setState('ready');
      })
      .catch(() => {
        if (!gone) setState('failed');
      });
    return () => {
      gone = true;
      observer?.disconnect();
      chart.current?.destroy();
      chart.current = undefined;
    };
  }, []);
  useEffect(() => {
    chart.current?.update(input);
  }, [input]);

  return (
    <figure class="chart" data-testid={testId} data-chart-state={state}>
      <figcaption class="chart__title">{title}</figcaption>
      {state === 'loading' ? <p class="chart__note">{t.chart.loading}</p> : null}
      {state === 'failed' ? <p class="chart__note">{t.chart.failed}</p> : null}
      {input.times.length === 0 ? <p class="chart__note">{t.chart.empty}</p> : null}
      <div class="chart__plot" ref={target} role="img" aria-label={`${title}. ${summary}`} />
      <details class="chart__table">
        <summary>{t.chart.asTable}</summary>
        <div class="table-wrap" role="region" aria-label={title} tabIndex={0}>
          <table class="table">
            <caption class="caption">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{xLabel}</th>
                {input.series.map((s) => (
                  <th key={s.label} scope="col" class="num">
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {input.times.map((time, i) => (
                <tr key={time}>
                  <th scope="row">{input.formatX(time)}</th>
                  {input.series.map((s) => (
                    <td key={s.label} class="num">
                      {number(s.values[i] ?? 0)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
};
