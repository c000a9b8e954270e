import type { Queryable } from '../../db/client.ts';
import type { StripeEvent } from '../event.ts';

/**
 * Queue operation: claim due inbox rows for this transaction.
 *
 * Locking choice: the claim and the processing share ONE transaction, and the row lock taken here is
 * the lease. Another worker (in this process or another, on one PostgreSQL) skips locked rows
 * (SKIP LOCKED) instead of waiting, so workers never queue behind each other; a crash or kill rolls
 * the transaction back and the rows are simply due again, so there is no lease timeout to tune and no
 * row stuck "processing". On PGlite there is one connection, so transactions already run one at a
 * time and SKIP LOCKED never has anything to skip; the same query works on both.
 *
 * Oldest `created` first: applying states in the order Stripe made them means fewer stale writes and
 * fewer same-second ties (the partial index webhook_inbox_due_created serves this order).
 */

export interface ClaimedEvent {
  workspaceId: string;
  connectorId: string;
  eventId: string;
  attempts: number;
  receivedAt: Date;
  event: StripeEvent;
}

export async function claimEvents(tx: Queryable, limit: number): Promise<ClaimedEvent[]> {
  const { rows } = await tx.query<{
    workspace_id: string;
    connector_id: string;
    event_id: string;
    attempts: number;
    received_at: Date;
    payload: StripeEvent;
  }>(
    `SELECT workspace_id, connector_id, event_id, attempts, received_at, payload FROM webhook_inbox
     WHERE status IN ('pending', 'failed') AND next_attempt_at <= now()
     ORDER BY created, received_at
     LIMIT $1
     FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return rows.map((r) => ({
    workspaceId: r.workspace_id,
    connectorId: r.connector_id,
    eventId: r.event_id,
    attempts: r.attempts,
    receivedAt: new Date(r.received_at),
    event: typeof r.payload === 'string' ? (JSON.parse(r.payload) as StripeEvent) : r.payload,
  }));
}
