/**
 * The one CSV module: the results table and the baseline CSV (pandas' minimal quoting), the submission
 * (no quoting at all: a field with a comma or a line break is refused) and the seed's comma-split reading.
 */

/** Quotes a CSV field when it holds a comma, a quote or a line break (pandas' minimal quoting). */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Formats rows with {@link csvField} quoting, one `\n`-terminated line each.
 * @param rows - the rows
 */
export function formatCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(csvField).join(',') + '\n').join('');
}

/**
 * Formats rows without any quoting (the submission format): fields joined by `,`, one `\n`-terminated
 * line each.
 * @param rows - the rows
 * @param what - what a row is, for the message (`row`)
 * @throws Error naming the row (0-based) and the field when a field holds a comma or a line break
 */
export function formatUnquotedCsv(rows: readonly (readonly string[])[], what = 'row'): string {
  rows.forEach((r, i) => {
    for (const w of r) {
      if (/[,\r\n]/.test(w)) throw new Error(`${what} ${i}: word ${JSON.stringify(w)} contains a comma or a line break`);
    }
  });
  return rows.map((r) => r.join(',') + '\n').join('');
}

/**
 * Splits CSV text on line breaks and commas with no quoting (the seed's `load_baseline_preds`): an empty
 * field is an empty string; a final newline ends the last line.
 * @param text - the whole file
 */
export function splitUnquotedCsv(text: string): string[][] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => l.replace(/\r$/, '').split(','));
}

/**
 * Parses CSV text (comma separated, `"` quoting with doubled quotes inside quoted fields).
 * @param text - the whole file
 * @param file - file name for error messages
 * @throws Error on an unterminated quoted field
 */
export function parseCsv(text: string, file: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
    i += 1;
  }
  if (quoted) throw new Error(`${file}: unterminated quoted field at the end of the file`);
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
