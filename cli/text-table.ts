/**
 * Rows of cells as aligned text lines: every column but the last padded to its widest cell (counted in code points,
 * so "→" is one column), two spaces between columns; the last column (often a reason) is never padded.
 */
export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  if (rows.length === 0) return [];
  const width = (cell: string) => [...cell].length;
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => width(r[c] ?? ''))));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell + ' '.repeat(widths[c] - width(cell))))
      .join('  ')
      .trimEnd(),
  );
}
