// A small RFC 4180 CSV parser: quoted fields, doubled quotes, newlines inside quotes, CRLF.

/** Parse CSV text into rows of string cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let inQuotes = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
      } else {
        cell += ch;
      }
      i++;
      continue;
    }
    if (ch === '"') {
      inQuotes = true;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      if (ch === '\r' && text[i + 1] === '\n') i++;
    } else {
      cell += ch;
    }
    i++;
  }
  if (inQuotes) throw new Error('CSV ends inside a quoted field');
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** Parse CSV with a header row into objects keyed by column name. */
export function parseCsvObjects(text: string): { columns: string[]; rows: Array<Record<string, string>> } {
  const [header, ...body] = parseCsv(text);
  if (!header) return { columns: [], rows: [] };
  const rows = body
    .filter((cells) => !(cells.length === 1 && cells[0] === ''))
    .map((cells) => {
      if (cells.length !== header.length) {
        throw new Error(`CSV row has ${cells.length} cells, header has ${header.length}`);
      }
      const obj: Record<string, string> = {};
      header.forEach((name, k) => {
        obj[name] = cells[k] ?? '';
      });
      return obj;
    });
  return { columns: header, rows };
}

/** Read a pandas-style boolean cell ("True"/"False", also "1"/"0"). */
export function parseBoolCell(value: string | undefined, where: string): boolean {
  const v = (value ?? '').trim().toLowerCase();
  if (v === 'true' || v === '1' || v === '1.0') return true;
  if (v === 'false' || v === '0' || v === '0.0') return false;
  throw new Error(`${where}: expected True/False, got ${JSON.stringify(value)}`);
}
