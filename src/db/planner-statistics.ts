import type { Queryable } from './client.ts';

/**
 * `ANALYZE` of the columns that joins and filters use, after a bulk change to the tables.
 *
 * PGlite runs no autovacuum, so a table filled by a backfill or by webhooks keeps the statistics of
 * an empty table and the planner answers every join with a sequential scan; PostgreSQL's
 * autovacuum may not have come round yet either. Only named columns are sampled: sampling the jsonb
 * `data` column (detoasting every sampled object) was most of the cost of a plain ANALYZE.
 */
export async function analyzeColumns(
  q: Queryable,
  columnsByTable: Readonly<Record<string, readonly string[]>>,
): Promise<void> {
  const targets = Object.entries(columnsByTable).map(([table, columns]) =>
    columns.length > 0 ? `${table} (${[...new Set(columns)].join(', ')})` : table,
  );
  if (targets.length > 0) await q.query(`ANALYZE ${targets.join(', ')}`);
}
