// CSV import of accounts: columns name, domain, external_id (or "external id"), owner.
// Every row is validated first; any error and nothing is written (one transaction, all or none).
// A row whose external id already exists updates that account, so an import can be re-run.

import type { Db } from '../db/client.ts';
import { type AccountFields, accountFields, newAccountId } from './accounts.ts';
import { CsvSyntaxError, parseCsv } from './csv.ts';

export interface ImportError {
  /** 1-based data row (the header is row 0) */
  row: number;
  field: string;
  message: string;
}

export interface ImportResult {
  imported: number;
  created: number;
  updated: number;
  errors: ImportError[];
}

const HEADER_ALIASES: Record<string, keyof AccountFields> = {
  name: 'name',
  domain: 'domain',
  external_id: 'external_id',
  'external id': 'external_id',
  externalid: 'external_id',
  owner: 'owner',
};

export const MAX_IMPORT_ROWS = 50_000;

export function parseAccountsCsv(text: string): { rows: AccountFields[]; errors: ImportError[] } {
  let parsed: ReturnType<typeof parseCsv>;
  try {
    parsed = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError)
      return { rows: [], errors: [{ row: 0, field: 'csv', message: error.message }] };
    throw error;
  }
  const columns = parsed.header.map((h) => HEADER_ALIASES[h.toLowerCase()] ?? null);
  const errors: ImportError[] = [];
  parsed.header.forEach((h, i) => {
    if (columns[i] === null) {
      errors.push({
        row: 0,
        field: h,
        message: `Unknown column "${h}"; use name, domain, external_id, owner`,
      });
    }
  });
  if (!columns.includes('name'))
    errors.push({ row: 0, field: 'name', message: 'The header must have a "name" column' });
  if (parsed.rows.length > MAX_IMPORT_ROWS) {
    errors.push({
      row: 0,
      field: 'csv',
      message: `At most ${MAX_IMPORT_ROWS} rows per import; split the file`,
    });
  }
  if (errors.length > 0) return { rows: [], errors };
  const rows: AccountFields[] = [];
  const seen = new Map<string, number>();
  parsed.rows.forEach((cells, i) => {
    const row = i + 1;
    if (cells.length !== parsed.header.length) {
      errors.push({
        row,
        field: 'row',
        message: `Expected ${parsed.header.length} fields, found ${cells.length}`,
      });
      return;
    }
    const raw: Record<string, string | null> = {};
    columns.forEach((c, j) => {
      if (c) raw[c] = cells[j]!.trim() === '' ? null : cells[j]!;
    });
    const result = accountFields.safeParse({ ...raw, name: raw.name ?? '' });
    if (!result.success) {
      for (const issue of result.error.issues)
        errors.push({ row, field: String(issue.path[0] ?? 'row'), message: issue.message });
      return;
    }
    const ext = result.data.external_id;
    if (ext) {
      const first = seen.get(ext);
      if (first !== undefined) {
        errors.push({ row, field: 'external_id', message: `external_id "${ext}" is also on row ${first}` });
        return;
      }
      seen.set(ext, row);
    }
    rows.push(result.data);
  });
  return { rows, errors };
}

export async function importAccountsCsv(db: Db, workspaceId: string, text: string): Promise<ImportResult> {
  const { rows, errors } = parseAccountsCsv(text);
  if (errors.length > 0) return { imported: 0, created: 0, updated: 0, errors };
  return db.transaction(async (tx) => {
    const exts = rows.map((r) => r.external_id).filter((e): e is string => !!e);
    const { rows: existing } = await tx.query<{ id: string; external_id: string }>(
      'SELECT id, external_id FROM accounts WHERE workspace_id = $1 AND external_id = ANY($2::text[])',
      [workspaceId, exts],
    );
    const byExt = new Map(existing.map((e) => [e.external_id, e.id]));
    const ids = rows.map((r) => (r.external_id && byExt.get(r.external_id)) || newAccountId());
    await tx.query(
      `INSERT INTO accounts (id, workspace_id, name, domain, external_id, owner)
       SELECT i, $1, n, d, e, o FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS x(i, n, d, e, o)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, domain = EXCLUDED.domain, owner = EXCLUDED.owner, updated_at = now()`,
      [
        workspaceId,
        ids,
        rows.map((r) => r.name),
        rows.map((r) => r.domain ?? null),
        rows.map((r) => r.external_id ?? null),
        rows.map((r) => r.owner ?? null),
      ],
    );
    const updated = rows.filter((r) => r.external_id && byExt.has(r.external_id)).length;
    return { imported: rows.length, created: rows.length - updated, updated, errors: [] };
  });
}
