import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matrixMarkdown } from '#support/authorization.js';

/**
 * The authorization matrix that test/integration/authorization.test.ts enforces is derived from the code
 * (each route's `auth`, functions/core/roles.ts ACCESS), so a route declared with the wrong access would be
 * enforced, and asserted, as declared. The table in docs/reliability.md is the one reviewed: who may call
 * what changes there first, or this fails.
 */

/** The rows of a Markdown table, each a list of its trimmed cells; the rule row left out. */
const rowsOf = (table: string): string[][] =>
  table
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[\s:|-]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );

const documented = (): string[][] => {
  const docs = readFileSync('docs/reliability.md', 'utf8').split('\n');
  const header = docs.findIndex((line) => /^\|\s*route\s*\|\s*auth\s*\|/.test(line));
  expect(header, 'the matrix in docs/reliability.md').toBeGreaterThanOrEqual(0);
  const end = docs.findIndex((line, at) => at > header && !line.startsWith('|'));
  return rowsOf(docs.slice(header, end === -1 ? undefined : end).join('\n'));
};

describe('the authorization matrix', () => {
  it('is the one docs/reliability.md shows, route by route and caller by caller', () => {
    expect(rowsOf(matrixMarkdown())).toEqual(documented());
  });

  it('reads a table as its cells, whatever their padding', () => {
    expect(rowsOf('| a  | b |\n| -- | :-: |\n| `GET /x` |  ✓ |')).toEqual([
      ['a', 'b'],
      ['`GET /x`', '✓'],
    ]);
  });
});
