import { expect, it } from 'vitest';

/**
 * A pure function's table of cases, one test a row: `fn(input)` equals the row's answer. `name` is formatted
 * with the row as `it.each` does (`%s`, `%j`).
 */
export const itMaps = <I, O>(name: string, fn: (input: I) => O, rows: [I, O][]) =>
  it.each(rows)(name, (input, answer) => {
    expect(fn(input)).toEqual(answer);
  });
