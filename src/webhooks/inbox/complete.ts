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

/**
 * Marks a whole batch done in one statement (the worker's batch path). Returns each event's lag in
 * seconds, keyed by event id.
 */
export async function completeEvents(
  tx: Queryable,
  done: readonly { connectorId: string; eventId: string; outcome: EventOutcome; note: string | null }[],
): Promise<Map<string, number>> {
  if (done.length === 0) return new Map();
  const { rows } = await tx.query<{ connector_id: string; event_id: string; lag: string | number }>(
    `UPDATE webhook_inbox w SET status = d.outcome, last_error = d.note, attempts = w.attempts + 1,
       processed_at = clock_timestamp(), updated_at = clock_timestamp()
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS d(connector_id, event_id, outcome, note)
     WHERE w.connector_id = d.connector_id AND w.event_id = d.event_id
     RETURNING w.connector_id, w.event_id, EXTRACT(EPOCH FROM clock_timestamp() - w.received_at) AS lag`,
    [
      done.map((d) => d.connectorId),
      done.map((d) => d.eventId),
      done.map((d) => d.outcome),
      done.map((d) => d.note),
    ],
  );
  return new Map(rows.map((r) => [`${r.connector_id}\u0000${r.event_id}`, Number(r.lag)]));
}
