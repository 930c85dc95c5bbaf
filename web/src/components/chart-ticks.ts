/** Where a chart's x-axis ticks go and what their labels say, by the room the plot has. */

/** The least room a tick's label gets, CSS px: about 11 characters of the axis' 12 px font. */
const MIN_TICK_PX = 80;
const CHAR_PX = 7;

/**
 * Every how many of `count` buckets a tick goes, for a plot `widthPx` wide: at most 8 ticks, and no more than
 * fit side by side (on a phone, campaign names under the summary's bars ran into each other).
 */
export const tickEvery = (count: number, widthPx: number) =>
  Math.max(1, Math.ceil(count / Math.max(1, Math.min(8, Math.floor(widthPx / MIN_TICK_PX)))));

/** `label` cut to what fits in `roomPx` of the axis, with an ellipsis; the legend shows it whole. */
export const fitLabel = (label: string, roomPx: number) => {
  const fits = Math.max(4, Math.floor(roomPx / CHAR_PX));
  const chars = [...label];
  if (chars.length <= fits) return label;
  const kept = chars.slice(0, fits - 1).join('');
  return `${kept.trimEnd()}…`;
};
