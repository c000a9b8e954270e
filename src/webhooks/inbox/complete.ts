import type { Queryable } from '../../db/client.ts';
import type { EventOutcome } from '../apply-event.ts';

/**
 * Queue operation: mark a claimed event done (applied, stale or ignored), in the transaction that
 * applied it. Returns the processing lag (inbox commit → now) in seconds for the lag histogram.
 */
export async function completeEvent(
  tx: Queryable,
  key: { connectorId: string; eventId: string },
  outcome: EventOutcome,
  note: string | null = null,
): Promise<number> {
  const { rows } = await tx.query<{ lag: string | number }>(
    `UPDATE webhook_inbox SET status = $3, last_error = $4, attempts = attempts + 1,
       processed_at = clock_timestamp(), updated_at = clock_timestamp()
     WHERE connector_id = $1 AND event_id = $2
     RETURNING EXTRACT(EPOCH FROM clock_timestamp() - received_at) AS lag`,
    [key.connectorId, key.eventId, outcome, note],
  );
  return Number(rows[0]?.lag ?? 0);
}
