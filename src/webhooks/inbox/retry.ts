import type { Queryable } from '../../db/client.ts';

/**
 * Queue operation: a failed attempt. The event is due again after an exponential backoff with
 * jitter (so a burst of failures does not retry in lockstep); other events keep flowing meanwhile.
 */

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export function backoffDelayMs(attempt: number, backoff: Backoff, random = Math.random): number {
  const exp = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.5 + random() * 0.5));
}

export async function retryEvent(
  tx: Queryable,
  key: { connectorId: string; eventId: string },
  options: { error: string; delayMs: number },
): Promise<void> {
  await tx.query(
    `UPDATE webhook_inbox SET status = 'failed', attempts = attempts + 1, last_error = $3,
       next_attempt_at = clock_timestamp() + ($4::bigint * interval '1 millisecond'), updated_at = clock_timestamp()
     WHERE connector_id = $1 AND event_id = $2 AND status IN ('pending', 'failed')`,
    [key.connectorId, key.eventId, options.error.slice(0, 2000), options.delayMs],
  );
}
