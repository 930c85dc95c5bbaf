import type { ComponentChildren } from 'preact';

export interface Fact {
  label: string;
  value: ComponentChildren;
  /** The value's `data-testid`, which the browser tests read it by. */
  testId?: string | undefined;
}

/**
 * Labelled values as a definition list, a `div` for each pair: `stats` (the default) shows them as tiles,
 * `facts` as lines. An item that is `false` is left out, for a fact shown only when it applies.
 */
export const Facts = ({
  items,
  class: listClass = 'stats',
  testId,
}: {
  items: readonly (Fact | false)[];
  class?: string;
  testId?: string;
}) => (
  <dl class={listClass} data-testid={testId}>
    {items
      .filter((item): item is Fact => item !== false)
      .map((item) => (
        <div key={item.label}>
          <dt>{item.label}</dt>
          <dd data-testid={item.testId}>{item.value}</dd>
        </div>
      ))}
  </dl>
);
