import type { Queryable } from '../db/client.ts';
import { FAMILIES } from '../store/families.ts';
import { readIntakeStats } from '../webhooks/intake-stats.ts';
import { listApiErrors } from './api-errors.ts';
import type { Connector } from './connectors.ts';

/**
 * The health page's data for one connector, read from the parts that own it: the webhook intake
 * counters and inbox (0003), the sync runs (0002), and the API errors recorded per kind.
 */

export interface SyncSummary {
  run_id: string;
  status: string;
  started_at: Date;
  finished_at: Date | null;
  complete: boolean;
  error: string | null;
  families: Record<string, { listed: number; stored: number }>;
}

async function lastSync(q: Queryable, connectorId: string): Promise<SyncSummary | null> {
  const { rows } = await q.query<{
    id: string;
    status: string;
    started_at: Date;
    finished_at: Date | null;
    error: string | null;
  }>(
    `SELECT id, status, started_at, finished_at, error FROM sync_runs WHERE connector_id = $1
     ORDER BY started_at DESC LIMIT 1`,
    [connectorId],
  );
  const run = rows[0];
  if (!run) return null;
  const { rows: listed } = await q.query<{ family: string; listed: number }>(
    'SELECT family, sum(listed)::bigint AS listed FROM sync_ranges WHERE run_id = $1 GROUP BY family',
    [run.id],
  );
  const families: SyncSummary['families'] = {};
  for (const r of listed) {
    const spec = FAMILIES.find((f) => f.family === r.family);
    const stored = spec
      ? (
          await q.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM ${spec.table} WHERE connector_id = $1 AND NOT deleted`,
            [connectorId],
          )
        ).rows[0]!.n
      : 0;
    families[r.family] = { listed: Number(r.listed), stored };
  }
  return {
    run_id: run.id,
    status: run.status,
    started_at: run.started_at,
    finished_at: run.finished_at,
    complete: run.status === 'complete',
    error: run.error,
    families,
  };
}

export async function connectorHealth(q: Queryable, connector: Connector) {
  const intake = await readIntakeStats(q, connector.id);
  const { rows: lag } = await q.query<{ seconds: number | null; waiting: number }>(
    `SELECT extract(epoch FROM now() - min(received_at))::float8 AS seconds, count(*)::int AS waiting
     FROM webhook_inbox WHERE connector_id = $1 AND status IN ('pending', 'failed')`,
    [connector.id],
  );
  const { rows: parked } = await q.query<{
    event_id: string;
    type: string;
    attempts: number;
    last_error: string | null;
  }>(
    `SELECT event_id, type, attempts, last_error FROM webhook_inbox
     WHERE connector_id = $1 AND status = 'parked' ORDER BY received_at DESC LIMIT 100`,
    [connector.id],
  );
  const lastEvent = [connector.lastEventAt, intake.lastEventReceivedAt]
    .filter((d): d is Date => d !== null)
    .map((d) => new Date(d))
    .sort((a, b) => b.getTime() - a.getTime())[0];
  return {
    status: connector.status,
    status_reason: connector.statusReason,
    last_event_at: lastEvent ?? null,
    deliveries: { accepted: intake.accepted, duplicates: intake.duplicates, rejected: intake.rejected },
    processing_lag_seconds: Math.max(0, Math.round(lag[0]?.seconds ?? 0)),
    events_waiting: lag[0]?.waiting ?? 0,
    parked: parked.map((p) => ({
      event_id: p.event_id,
      type: p.type,
      attempts: p.attempts,
      last_error: p.last_error,
      retry_url: `/api/connectors/${connector.id}/events/${p.event_id}/retry`,
    })),
    last_sync: await lastSync(q, connector.id),
    api_errors: await listApiErrors(q, connector.id),
  };
}
