import type { Queryable } from '../../db/client.ts';

/**
 * Queue operation: park an event that used up its tries (or can never succeed). It stays visible
 * (GET /api/connectors/:id/events?status=parked) and can be retried by hand; it blocks nothing.
 */
export async function parkEvent(
  tx: Queryable,
  key: { connectorId: string; eventId: string },
  options: { error: string },
): Promise<void> {
  await tx.query(
    `UPDATE webhook_inbox SET status = 'parked', attempts = attempts + 1, last_error = $3,
       updated_at = clock_timestamp()
     WHERE connector_id = $1 AND event_id = $2 AND status IN ('pending', 'failed')`,
    [key.connectorId, key.eventId, options.error.slice(0, 2000)],
  );
}

/**
 * Manual retry of a parked (or failed) event: due now, with a fresh set of tries.
 * Returns false when there is no such event in a retryable state.
 */
export async function requeueEvent(
  q: Queryable,
  key: { connectorId: string; eventId: string },
): Promise<boolean> {
  const { rowCount } = await q.query(
    `UPDATE webhook_inbox SET status = 'pending', attempts = 0, next_attempt_at = now(), updated_at = now()
     WHERE connector_id = $1 AND event_id = $2 AND status IN ('parked', 'failed')`,
    [key.connectorId, key.eventId],
  );
  return rowCount > 0;
}
