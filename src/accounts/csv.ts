// A small RFC 4180 CSV reader (quoted fields, doubled quotes, CRLF), enough for account and FX
// rate imports. The first non-empty line is the header.

export interface ParsedCsv {
  header: string[];
  rows: string[][];
}

export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
}

export function parseCsv(text: string): ParsedCsv {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let i = 0;
  const src = text.replace(/^\uFEFF/, '');
  while (i < src.length) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      if (ch === '\r' && src[i + 1] === '\n') i++;
    } else field += ch;
    i++;
  }
  if (quoted) throw new CsvSyntaxError('The CSV ends inside a quoted field: close the quote (")');
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const nonEmpty = records.filter((r) => !(r.length === 1 && r[0]!.trim() === ''));
  const [header, ...rows] = nonEmpty;
  if (!header) throw new CsvSyntaxError('The CSV is empty: send a header line and at least one row');
  return { header: header.map((h) => h.trim()), rows };
}
