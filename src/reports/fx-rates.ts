// The workspace's FX rate table: rows "1 <base> = <rate> <quote>, in force from <date>", loaded
// by the user (API JSON or CSV). Conversions into the reporting currency use the rows whose quote
// is the reporting currency; a missing rate stays missing (the billing rules make it an error).

import { z } from 'zod';
import { parseCsv } from '../accounts/csv.ts';
import type { FxRatePoint } from '../billing/fx.ts';
import { parseDecimal } from '../billing/rational.ts';
import type { Queryable } from '../db/client.ts';

export const fxRateRow = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date must be YYYY-MM-DD'),
  base: z.string().regex(/^[a-zA-Z]{3}$/, 'base must be a 3-letter currency code'),
  quote: z.string().regex(/^[a-zA-Z]{3}$/, 'quote must be a 3-letter currency code'),
  rate: z.union([z.string(), z.number()]).transform((v, ctx) => {
    try {
      const r = parseDecimal(v);
      if (r.num <= 0n) throw new RangeError('not positive');
      return typeof v === 'number' ? String(v) : v.trim();
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: `rate must be a positive decimal number, got ${JSON.stringify(v)}`,
      });
      return z.NEVER;
    }
  }),
});

export type FxRateRow = z.output<typeof fxRateRow>;

export class FxRatesInputError extends Error {
  readonly errors: { row: number; field: string; message: string }[];
  constructor(errors: { row: number; field: string; message: string }[]) {
    super(
      `${errors.length} FX rate row(s) are invalid; fix them and load the table again (nothing was saved)`,
    );
    this.name = 'FxRatesInputError';
    this.errors = errors;
  }
}

/** Validates every row (1-based row numbers, as in the CSV with its header being row 0). */
export function validateFxRows(rows: unknown[]): FxRateRow[] {
  const errors: { row: number; field: string; message: string }[] = [];
  const out: FxRateRow[] = [];
  rows.forEach((raw, i) => {
    const parsed = fxRateRow.safeParse(raw);
    if (parsed.success) {
      if (Number.isNaN(Date.parse(`${parsed.data.date}T00:00:00Z`))) {
        errors.push({ row: i + 1, field: 'date', message: `${parsed.data.date} is not a calendar date` });
      } else out.push(parsed.data);
    } else {
      for (const issue of parsed.error.issues) {
        errors.push({ row: i + 1, field: String(issue.path[0] ?? 'row'), message: issue.message });
      }
    }
  });
  if (errors.length > 0) throw new FxRatesInputError(errors);
  return out;
}

export function fxRowsFromCsv(text: string): unknown[] {
  const { header, rows } = parseCsv(text);
  return rows.map((cells) =>
    Object.fromEntries(header.map((h, i) => [h.trim().toLowerCase(), cells[i] ?? ''])),
  );
}

/** Upserts the rows (a rate for the same pair and date is replaced). */
export async function saveFxRates(q: Queryable, workspaceId: string, rows: FxRateRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  await q.query(
    `INSERT INTO fx_rates (workspace_id, date, base, quote, rate)
     SELECT $1, d, b, qt, r FROM unnest($2::date[], $3::text[], $4::text[], $5::numeric[]) AS x(d, b, qt, r)
     ON CONFLICT (workspace_id, base, quote, date) DO UPDATE SET rate = EXCLUDED.rate, updated_at = now()`,
    [
      workspaceId,
      rows.map((r) => r.date),
      rows.map((r) => r.base.toLowerCase()),
      rows.map((r) => r.quote.toLowerCase()),
      rows.map((r) => r.rate),
    ],
  );
  return rows.length;
}

export async function listFxRates(q: Queryable, workspaceId: string): Promise<FxRateRow[]> {
  const { rows } = await q.query<{ date: string; base: string; quote: string; rate: string }>(
    `SELECT to_char(date, 'YYYY-MM-DD') AS date, base, quote, rate::text AS rate FROM fx_rates
     WHERE workspace_id = $1 ORDER BY base, quote, date`,
    [workspaceId],
  );
  return rows;
}

/** The table as the billing rules take it: rows converting into `reportingCurrency`. */
export async function loadFxTable(
  q: Queryable,
  workspaceId: string,
  reportingCurrency: string,
): Promise<FxRatePoint[]> {
  const { rows } = await q.query<{ date: string; base: string; rate: string }>(
    `SELECT to_char(date, 'YYYY-MM-DD') AS date, base, rate::text AS rate FROM fx_rates
     WHERE workspace_id = $1 AND quote = $2 ORDER BY date`,
    [workspaceId, reportingCurrency.toLowerCase()],
  );
  return rows.map((r) => ({ currency: r.base, date: r.date, rate: r.rate }));
}

export async function reportingCurrencyOf(q: Queryable, workspaceId: string): Promise<string> {
  const { rows } = await q.query<{ reporting_currency: string }>(
    'SELECT reporting_currency FROM workspaces WHERE id = $1',
    [workspaceId],
  );
  if (!rows[0])
    throw new Error(`Workspace ${workspaceId} does not exist; create it or pass an existing --workspace`);
  return rows[0].reporting_currency.toLowerCase();
}
