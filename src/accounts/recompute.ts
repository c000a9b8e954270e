// Recompute stored figures (posture, MRR change points, movements) for a set of accounts.
// The same function serves the webhook hook (a handful of accounts, inside the apply transaction)
// and the full rebuild (batches of accounts, each in its own transaction), so both give
// identical results for the same store state and the same `now`.

import type { HealthSettings } from '../billing/health.ts';
import type { Db, Queryable } from '../db/client.ts';
import { analyzeColumns } from '../db/planner-statistics.ts';
import { loadFxTable, reportingCurrencyOf } from '../reports/fx-rates.ts';
import { type AccountFigures, computeFigures, type FiguresContext } from './figures.ts';
import { linkCustomers } from './linking.ts';
import { loadAccountInputs } from './load-inputs.ts';
import { JOINED_COLUMNS } from './load-rows.ts';
import { writeFigures } from './write-figures.ts';

export interface RecomputeOptions {
  workspaceId: string;
  /** Unix seconds the figures hold for (default: the wall clock) */
  now?: number;
  settings?: Partial<HealthSettings>;
}

export async function figuresContext(q: Queryable, options: RecomputeOptions): Promise<FiguresContext> {
  const reportingCurrency = await reportingCurrencyOf(q, options.workspaceId);
  return {
    workspaceId: options.workspaceId,
    reportingCurrency,
    fxTable: await loadFxTable(q, options.workspaceId, reportingCurrency),
    now: options.now ?? Math.floor(Date.now() / 1000),
    settings: options.settings,
  };
}

/** Recomputes the given accounts of the workspace (ids of other workspaces are ignored), inside the
 * caller's transaction `q`. */
export async function recomputeAccounts(
  q: Queryable,
  options: RecomputeOptions & { accountIds: readonly string[]; context?: FiguresContext },
): Promise<AccountFigures[]> {
  if (options.accountIds.length === 0) return [];
  const ctx = options.context ?? (await figuresContext(q, options));
  const { rows } = await q.query<{ id: string }>(
    'SELECT id FROM accounts WHERE workspace_id = $1 AND id = ANY($2::text[]) ORDER BY id',
    [options.workspaceId, [...new Set(options.accountIds)]],
  );
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) return [];
  const inputs = await loadAccountInputs(q, ids);
  const figures = ids.map((id) => computeFigures(inputs.get(id)!, ctx));
  await writeFigures(q, ctx, figures);
  return figures;
}

export interface FullRecomputeOptions extends RecomputeOptions {
  /** only the accounts linked to this connector (after its backfill); all accounts when absent */
  connectorId?: string;
  /** Linked customers per batch (an account with more is a batch of its own); default
   * CUSTOMERS_IN_FLIGHT split across the batches in flight. */
  batchSize?: number;
  /** batches in flight on PostgreSQL (each its own transaction on a pooled connection); PGlite has
   * one connection, so it always runs them one after another */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface FullRecomputeResult {
  linked: number;
  accountsCreated: number;
  accounts: number;
  byHealth: Record<string, number>;
}

/**
 * Linked customers loaded at once, across the batches in flight (3 on PostgreSQL, 1 on PGlite). At
 * 1M objects on PostgreSQL, 3 × 1,000 took the process to 337 MB and 3 × 250 to 236 MB
 * (--max-semi-space-size=8), in the same time; PGlite gets 750 in one batch, since at 100k accounts
 * 250 a batch cost it 15% more time.
 */
export const CUSTOMERS_IN_FLIGHT = 750;

/** Accounts are read in pages of this many, so the list is never held whole. */
const ACCOUNTS_PAGE = 5000;

/** Which accounts a full recompute covers: the workspace's, or those linked to one connector. */
function accountFilter(options: FullRecomputeOptions): { sql: string; params: unknown[] } {
  return options.connectorId
    ? {
        sql: `a.workspace_id = $1 AND EXISTS (SELECT 1 FROM account_customers c
                WHERE c.account_id = a.id AND c.connector_id = $2)`,
        params: [options.workspaceId, options.connectorId],
      }
    : { sql: 'a.workspace_id = $1', params: [options.workspaceId] };
}

/** The accounts to recompute in id order, a page at a time, in batches bounded by customers. */
async function* accountBatches(
  db: Db,
  options: FullRecomputeOptions,
  customersPerBatch: number,
): AsyncGenerator<string[]> {
  const filter = accountFilter(options);
  const n = filter.params.length;
  for (let after = ''; ; ) {
    const { rows } = await db.query<{ id: string; customers: number }>(
      `SELECT a.id, (SELECT count(*)::int FROM account_customers l WHERE l.account_id = a.id) AS customers
       FROM accounts a WHERE ${filter.sql} AND a.id > $${n + 1} ORDER BY a.id LIMIT $${n + 2}`,
      [...filter.params, after, ACCOUNTS_PAGE],
    );
    if (rows.length === 0) return;
    after = rows.at(-1)!.id;
    yield* batchByCustomers(rows, customersPerBatch);
  }
}

/**
 * Batches bounded by customers, not accounts: a batch loads every object of its accounts' customers,
 * and accounts grow with the data (a company domain gathers more customers as the account grows).
 * Bounded by 1,000 accounts, the recompute after a 1M-object backfill took the process from 364 to
 * 693 MB; bounded by 1,000 customers, to 573 MB.
 */
export function batchByCustomers(
  accounts: readonly { id: string; customers: number }[],
  customersPerBatch: number,
): string[][] {
  const batches: string[][] = [];
  let batch: string[] = [];
  let customers = 0;
  for (const a of accounts) {
    const weight = Math.max(1, a.customers);
    if (batch.length > 0 && customers + weight > customersPerBatch) {
      batches.push(batch);
      batch = [];
      customers = 0;
    }
    batch.push(a.id);
    customers += weight;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/**
 * Links every unlinked customer, then recomputes every account (of the workspace, or of one
 * connector) in batches: one transaction and a dozen set-based queries per batch, a few batches
 * at once on PostgreSQL.
 */
export async function recomputeAll(db: Db, options: FullRecomputeOptions): Promise<FullRecomputeResult> {
  const connectorIds = options.connectorId
    ? [options.connectorId]
    : (
        await db.query<{ id: string }>(
          'SELECT DISTINCT connector_id AS id FROM stripe_customers WHERE workspace_id = $1 ORDER BY 1',
          [options.workspaceId],
        )
      ).rows.map((r) => r.id);
  let linked = 0;
  let accountsCreated = 0;
  for (const connectorId of connectorIds) {
    const r = await linkCustomers(db, { workspaceId: options.workspaceId, connectorId });
    linked += r.linked;
    accountsCreated += r.accountsCreated;
  }
  // Statistics for every batch's joins: without them (PGlite has no autovacuum) each family is read
  // by a sequential scan per batch. Measured at 100k accounts on PGlite: 0.8 s for this, against a
  // recompute of 74 s without it.
  await analyzeColumns(db, JOINED_COLUMNS);
  const ctx = await figuresContext(db, options);
  const filter = accountFilter(options);
  const { rows: counted } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM accounts a WHERE ${filter.sql}`,
    filter.params,
  );
  const total = counted[0]!.n;
  const byHealth: Record<string, number> = {};
  const concurrency = db.kind === 'postgres' ? Math.max(1, options.concurrency ?? 3) : 1;
  // One generator shared by the workers: its next() calls are queued, so each batch goes to one.
  const batches = accountBatches(
    db,
    options,
    options.batchSize ?? Math.ceil(CUSTOMERS_IN_FLIGHT / concurrency),
  );
  let done = 0;
  const worker = async () => {
    for (let next = await batches.next(); !next.done; next = await batches.next()) {
      const batch = next.value;
      const figures = await db.transaction((tx) =>
        recomputeAccounts(tx, { ...options, accountIds: batch, context: ctx }),
      );
      for (const f of figures) byHealth[f.health] = (byHealth[f.health] ?? 0) + 1;
      done += batch.length;
      options.onProgress?.(done, total);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { linked, accountsCreated, accounts: done, byHealth };
}
