/**
 * CSV as RFC 4180 writes it: fields separated by commas, records by CRLF, a field quoted (its
 * quotes doubled) when it holds a comma, a quote, CR or LF, or begins or ends with a space.
 * Pure: the rows route (service.ts) appends with `csvRecord` and reads a header back with
 * `parseCsv`.
 */

export type Cell = string | number | boolean | null;

function field(cell: Cell): string {
  const s = cell === null ? '' : String(cell);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One record, CRLF-terminated. */
export const csvRecord = (cells: readonly Cell[]): string => `${cells.map(field).join(',')}\r\n`;

/**
 * Every record of `text`, each a list of fields. Accepts CRLF or LF line ends and a missing final
 * line end; a quoted field may hold anything. A quote inside an unquoted field is kept as text
 * (spreadsheets write such files), so no input fails to parse.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  let started = false; // whether the current record has any content (so a final newline ends nothing)
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { cell += '"'; i++; } else quoted = false;
      } else cell += ch;
      continue;
    }
    if (ch === '"' && cell === '') { quoted = true; started = true; continue; }
    if (ch === ',') { record.push(cell); cell = ''; started = true; continue; }
    if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(cell);
      records.push(record);
      record = []; cell = ''; started = false;
      continue;
    }
    cell += ch;
    started = true;
  }
  if (started) { record.push(cell); records.push(record); }
  return records;
}

/** The first record of `text` (the header row of a spreadsheet), or null for an empty file. */
export function headerOf(text: string): string[] | null {
  // Only the first record is needed: cut at the first line end outside quotes.
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) return parseCsv(text.slice(0, i))[0] ?? [''];
  }
  return parseCsv(text)[0] ?? null;
}
