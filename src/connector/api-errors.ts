import type { Queryable } from '../db/client.ts';
import { troubleshootingForKind } from './troubleshooting.ts';

/**
 * Stripe API failures by kind per connector, kept in the store so the health page survives restarts
 * and sees failures from every process. Connect, Test connection, roll and the sync record here.
 */

export async function recordApiError(
  q: Queryable,
  input: { connectorId: string; kind: string; message: string },
): Promise<void> {
  await q.query(
    `INSERT INTO connector_api_errors (connector_id, kind, count, last_at, last_message)
     VALUES ($1, $2, 1, now(), $3)
     ON CONFLICT (connector_id, kind) DO UPDATE SET count = connector_api_errors.count + 1,
       last_at = now(), last_message = EXCLUDED.last_message`,
    [input.connectorId, input.kind, input.message.slice(0, 1000)],
  );
}

export interface ApiErrorSummary {
  kind: string;
  count: number;
  last_at: string;
  message: string | null;
  troubleshooting: string;
}

export async function listApiErrors(q: Queryable, connectorId: string): Promise<ApiErrorSummary[]> {
  const { rows } = await q.query<{ kind: string; count: number; last_at: Date; last_message: string | null }>(
    'SELECT kind, count, last_at, last_message FROM connector_api_errors WHERE connector_id = $1 ORDER BY last_at DESC',
    [connectorId],
  );
  return rows.map((r) => ({
    kind: r.kind,
    count: r.count,
    last_at: new Date(r.last_at).toISOString(),
    message: r.last_message,
    troubleshooting: troubleshootingForKind(r.kind),
  }));
}
