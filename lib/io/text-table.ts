/** Aligned plain-text tables for the CLI's summaries. */

/**
 * Formats rows as columns separated by two spaces, each line's trailing spaces removed.
 * @param rows - the header row first; every row has the header's number of cells (missing cells are empty)
 * @param rightFrom - columns from this index on are right-aligned (numbers); default: none
 * @returns one line per row, each ending in a newline
 */
export function formatTextTable(rows: readonly (readonly string[])[], rightFrom = Infinity): string {
  const header = rows[0] ?? [];
  const widths = header.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) => widths.map((w, c) => {
      const v = r[c] ?? '';
      return c >= rightFrom ? v.padStart(w) : v.padEnd(w);
    }).join('  ').trimEnd() + '\n')
    .join('');
}
