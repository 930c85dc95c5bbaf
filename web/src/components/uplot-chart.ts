import uPlot from 'uplot';
import uPlotCss from 'uplot/dist/uPlot.min.css' with { type: 'text' };
import { fitLabel, tickEvery } from './chart-ticks.js';

/**
 * uPlot and its stylesheet: only loaded, as a lazy chunk, by time-chart.tsx's dynamic import(). The CSS
 * arrives as text and is adopted as a constructed stylesheet, since the console's CSP allows no inline
 * <style> and esbuild does not link a lazy chunk's own CSS file.
 */
let styled = false;
const adoptStyles = () => {
  if (styled) return;
  styled = true;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(uPlotCss);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
};

export interface ChartSeries {
  label: string;
  /** A CSS colour. */
  color: string;
  values: number[];
}

export interface ChartInput {
  /** Unix seconds, oldest first. */
  times: number[];
  series: ChartSeries[];
  kind: 'line' | 'bars';
  /** Changes when the axes' meaning does (granularity, language): the chart is rebuilt, not just fed. */
  key: string;
  /** Tick and legend label of an x value. */
  formatX: (seconds: number) => string;
  formatY: (value: number) => string;
  /** What the x values are (the legend's first entry). */
  xLabel: string;
  /** One bucket's width in x units (3600 for hours): a lone point gets a bucket either side. */
  stepSeconds: number;
  /** A shorter x label for the axis' ticks (default formatX). */
  formatTick?: (seconds: number) => string;
}

export interface DrawnChart {
  update(input: ChartInput): void;
  resize(width: number): void;
  destroy(): void;
}

const HEIGHT = 260;
/** The plot area's width in CSS px (uPlot's bbox is in device pixels). */
const plotWidth = (u: uPlot) => u.bbox.width / uPlot.pxRatio;

/** The options read the chart's latest input through `live`, so new data brings its own ticks and range. */
const optionsFor = (live: { current: ChartInput }, width: number): uPlot.Options => {
  const input = live.current;
  return {
    width,
    height: HEIGHT,
    scales: {
      // Bars stand on whole numbers (one per campaign), half a step clear of either edge; a timeline keeps a
      // bucket clear of either edge too, so a lone point is not drawn on the frame.
      x: {
        time: false,
        range: (): uPlot.Range.MinMax => {
          const pad = live.current.kind === 'bars' ? 0.5 : live.current.stepSeconds;
          const first = live.current.times[0] ?? 0;
          const last = live.current.times.at(-1) ?? first;
          return [first - pad, last + pad];
        },
      },
      y: { range: (_u, _min, max): uPlot.Range.MinMax => [0, Math.max(1, Math.ceil(max * 1.15))] },
    },
    axes: [
      {
        // Ticks on the buckets themselves, as many as fit, each label cut to its room.
        splits: (u) => {
          const { times } = live.current;
          const every = tickEvery(times.length, plotWidth(u));
          return times.filter((_, i) => i % every === 0);
        },
        values: (u, splits) => {
          const room = plotWidth(u) / Math.max(1, splits.length);
          return splits.map((value) => fitLabel((input.formatTick ?? input.formatX)(value), room));
        },
        stroke: '#505a5f',
        grid: { stroke: '#e5e7e8' },
        space: 70,
      },
      {
        values: (_u, splits) => splits.map((value) => input.formatY(value)),
        stroke: '#505a5f',
        grid: { stroke: '#e5e7e8' },
        size: 60,
      },
    ],
    series: [
      { label: input.xLabel, value: (_u, value) => (value === null ? '' : input.formatX(value)) },
      ...input.series.map((s): uPlot.Series => ({
        label: s.label,
        stroke: s.color,
        width: 2,
        value: (_u, value) => (value === null ? '–' : input.formatY(value)),
        ...(input.kind === 'bars'
          ? { fill: s.color, paths: uPlot.paths.bars?.({ size: [0.6, 40] }), points: { show: false } }
          : { points: { show: input.times.length < 60 } }),
      })),
    ],
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
  };
};

const dataOf = (input: ChartInput): uPlot.AlignedData => [input.times, ...input.series.map((s) => s.values)];

/** Draws the chart into `target`; `update` redraws with new data (a new shape of series rebuilds it). */
export const drawChart = (target: HTMLElement, input: ChartInput, width: number): DrawnChart => {
  adoptStyles();
  let shape = `${input.key}|${input.kind}|${input.series.map((s) => s.label).join('|')}`;
  const live = { current: input };
  let plot = new uPlot(optionsFor(live, width), dataOf(input), target);
  return {
    update(next) {
      const nextShape = `${next.key}|${next.kind}|${next.series.map((s) => s.label).join('|')}`;
      live.current = next;
      if (nextShape === shape) {
        plot.setData(dataOf(next));
        return;
      }
      shape = nextShape;
      const current = plot.width;
      plot.destroy();
      plot = new uPlot(optionsFor(live, current), dataOf(next), target);
    },
    resize(nextWidth) {
      if (Math.abs(nextWidth - plot.width) < 1) return;
      plot.setSize({ width: nextWidth, height: HEIGHT });
      plot.setData(dataOf(live.current));
    },
    destroy: () => plot.destroy(),
  };
};
