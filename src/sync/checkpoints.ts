import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/client.ts';

/**
 * The sync's durable state (migration 0002): runs, their `created` ranges with cursors, and the
 * ids seen. Every write that moves a cursor happens in the same transaction as the page it
 * describes (see commit-page.ts), so the checkpoint never claims more than the store holds.
 */

export type RunStatus = 'running' | 'complete' | 'incomplete' | 'failed' | 'interrupted';

export interface SyncRun {
  id: string;
  workspaceId: string;
  connectorId: string;
  status: RunStatus;
  upperBound: number;
  sourceTs: number;
  attempts: number;
  requests: number;
  elapsedMs: number;
  result: unknown;
  error: string | null;
  errorKind: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

export interface RangeRow {
  id: number;
  family: string;
  gte: number;
  lt: number;
  cursor: string | null;
  cursorCreated: number | null;
  done: boolean;
  listed: number;
  pages: number;
  skipped: string | null;
}

interface RunRow {
  id: string;
  workspace_id: string;
  connector_id: string;
  status: RunStatus;
  upper_bound: number;
  source_ts: number;
  attempts: number;
  requests: number;
  elapsed_ms: number;
  result: unknown;
  error: string | null;
  error_kind: string | null;
  started_at: Date;
  finished_at: Date | null;
}

const toRun = (r: RunRow): SyncRun => ({
  id: r.id,
  workspaceId: r.workspace_id,
  connectorId: r.connector_id,
  status: r.status,
  upperBound: r.upper_bound,
  sourceTs: r.source_ts,
  attempts: r.attempts,
  requests: r.requests,
  elapsedMs: r.elapsed_ms,
  result: r.result,
  error: r.error,
  errorKind: r.error_kind,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

export async function latestRun(q: Queryable, connectorId: string): Promise<SyncRun | null> {
  const { rows } = await q.query<RunRow>(
    'SELECT * FROM sync_runs WHERE connector_id = $1 ORDER BY started_at DESC, id DESC LIMIT 1',
    [connectorId],
  );
  return rows[0] ? toRun(rows[0]) : null;
}

/** The run to resume: the latest one, unless it finished (complete or incomplete). */
export async function resumableRun(q: Queryable, connectorId: string): Promise<SyncRun | null> {
  const run = await latestRun(q, connectorId);
  return run && (run.status === 'running' || run.status === 'failed' || run.status === 'interrupted')
    ? run
    : null;
}

export async function createRun(
  q: Queryable,
  input: {
    workspaceId: string;
    connectorId: string;
    upperBound: number;
    sourceTs: number;
    ranges: { family: string; gte: number; lt: number }[];
  },
): Promise<SyncRun> {
  const id = `sync_${randomBytes(8).toString('hex')}`;
  const { rows } = await q.query<RunRow>(
    `INSERT INTO sync_runs (id, workspace_id, connector_id, status, upper_bound, source_ts)
     VALUES ($1, $2, $3, 'running', $4, $5) RETURNING *`,
    [id, input.workspaceId, input.connectorId, input.upperBound, input.sourceTs],
  );
  for (const r of input.ranges) await insertRange(q, id, r);
  return toRun(rows[0]!);
}

export async function markRunResumed(q: Queryable, runId: string): Promise<void> {
  await q.query(
    `UPDATE sync_runs SET status = 'running', attempts = attempts + 1, error = NULL, error_kind = NULL,
       finished_at = NULL WHERE id = $1`,
    [runId],
  );
}

export async function finishRun(
  q: Queryable,
  runId: string,
  input: {
    status: RunStatus;
    requests: number;
    elapsedMs: number;
    result?: unknown;
    error?: string;
    errorKind?: string;
  },
): Promise<void> {
  await q.query(
    `UPDATE sync_runs SET status = $2, requests = requests + $3, elapsed_ms = elapsed_ms + $4,
       result = COALESCE($5::jsonb, result), error = $6, error_kind = $7, finished_at = now() WHERE id = $1`,
    [
      runId,
      input.status,
      input.requests,
      Math.round(input.elapsedMs),
      input.result === undefined ? null : JSON.stringify(input.result),
      input.error ?? null,
      input.errorKind ?? null,
    ],
  );
}

const RANGE_COLUMNS = `id, family, created_gte AS gte, created_lt AS lt, cursor, cursor_created AS "cursorCreated",
  done, listed, pages, skipped`;

export async function loadRanges(q: Queryable, runId: string): Promise<RangeRow[]> {
  const { rows } = await q.query<RangeRow>(
    `SELECT ${RANGE_COLUMNS} FROM sync_ranges WHERE run_id = $1 ORDER BY id`,
    [runId],
  );
  return rows;
}

export async function insertRange(
  q: Queryable,
  runId: string,
  r: { family: string; gte: number; lt: number },
): Promise<RangeRow> {
  const { rows } = await q.query<RangeRow>(
    `INSERT INTO sync_ranges (run_id, family, created_gte, created_lt) VALUES ($1, $2, $3, $4)
     RETURNING ${RANGE_COLUMNS}`,
    [runId, r.family, r.gte, r.lt],
  );
  return rows[0]!;
}

/**
 * Splits a range at `mid`: the range keeps [mid, lt) with its cursor, a new one takes [gte, mid).
 * One transaction, so a crash can never lose or double the lower half.
 */
export async function splitRange(
  q: Queryable,
  runId: string,
  range: { id: number; family: string; gte: number },
  mid: number,
): Promise<RangeRow> {
  await q.query('UPDATE sync_ranges SET created_gte = $2 WHERE id = $1', [range.id, mid]);
  return insertRange(q, runId, { family: range.family, gte: range.gte, lt: mid });
}

/** Advances a range's cursor after a committed page (called inside the page's transaction). */
export async function advanceRange(
  q: Queryable,
  rangeId: number,
  input: { cursor: string | null; cursorCreated: number | null; listed: number; done: boolean },
): Promise<void> {
  await q.query(
    `UPDATE sync_ranges SET cursor = COALESCE($2, cursor), cursor_created = COALESCE($3, cursor_created),
       listed = listed + $4, pages = pages + 1, done = $5 WHERE id = $1`,
    [rangeId, input.cursor, input.cursorCreated, input.listed, input.done],
  );
}

/** A family the key may not read (and Atlas can work without): its ranges end as skipped. */
export async function skipFamily(q: Queryable, runId: string, family: string, reason: string): Promise<void> {
  await q.query('UPDATE sync_ranges SET done = true, skipped = $3 WHERE run_id = $1 AND family = $2', [
    runId,
    family,
    reason,
  ]);
}

/** Records ids listed in this run (inside the page's transaction). */
export async function recordSeen(
  q: Queryable,
  runId: string,
  seen: { family: string; id: string }[],
): Promise<void> {
  if (seen.length === 0) return;
  await q.query(
    `INSERT INTO sync_seen (run_id, family, id)
     SELECT $1, f, i FROM unnest($2::text[], $3::text[]) AS u(f, i) ON CONFLICT DO NOTHING`,
    [runId, seen.map((s) => s.family), seen.map((s) => s.id)],
  );
}

export async function markChildrenDone(
  q: Queryable,
  runId: string,
  family: string,
  ids: readonly string[],
): Promise<void> {
  await q.query(
    'UPDATE sync_seen SET children_done = true WHERE run_id = $1 AND family = $2 AND id = ANY($3::text[])',
    [runId, family, ids],
  );
}

/** Parents (customers) whose children (payment methods) are still to be listed, in id order. */
export async function pendingChildren(
  q: Queryable,
  runId: string,
  family: string,
  afterId: string,
  limit: number,
): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT id FROM sync_seen WHERE run_id = $1 AND family = $2 AND NOT children_done AND id > $3
     ORDER BY id LIMIT $4`,
    [runId, family, afterId, limit],
  );
  return rows.map((r) => r.id);
}

export async function markRangeDone(q: Queryable, rangeId: number): Promise<void> {
  await q.query('UPDATE sync_ranges SET done = true WHERE id = $1', [rangeId]);
}
