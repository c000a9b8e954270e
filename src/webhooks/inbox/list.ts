import type { Queryable } from '../../db/client.ts';

/** Reading the inbox for the API and the health page: events by status, newest first. */

export const INBOX_STATUSES = ['pending', 'failed', 'applied', 'stale', 'ignored', 'parked'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

export interface InboxEntry {
  eventId: string;
  type: string;
  created: number;
  livemode: boolean;
  apiVersion: string | null;
  objectId: string | null;
  source: string;
  status: InboxStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  receivedAt: Date;
  processedAt: Date | null;
}

interface Row {
  event_id: string;
  type: string;
  created: number;
  livemode: boolean;
  api_version: string | null;
  object_id: string | null;
  source: string;
  status: InboxStatus;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  received_at: Date;
  processed_at: Date | null;
}

const toEntry = (r: Row): InboxEntry => ({
  eventId: r.event_id,
  type: r.type,
  created: r.created,
  livemode: r.livemode,
  apiVersion: r.api_version,
  objectId: r.object_id,
  source: r.source,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.status === 'pending' || r.status === 'failed' ? new Date(r.next_attempt_at) : null,
  lastError: r.last_error,
  receivedAt: new Date(r.received_at),
  processedAt: r.processed_at ? new Date(r.processed_at) : null,
});

export async function listInbox(
  q: Queryable,
  options: {
    connectorId: string;
    status?: InboxStatus;
    limit: number;
    before?: { receivedAt: Date; eventId: string };
  },
): Promise<InboxEntry[]> {
  const params: unknown[] = [options.connectorId, options.limit];
  const where = ['connector_id = $1'];
  if (options.status) {
    params.push(options.status);
    where.push(`status = $${params.length}`);
  }
  if (options.before) {
    params.push(options.before.receivedAt.toISOString(), options.before.eventId);
    where.push(`(received_at, event_id) < ($${params.length - 1}::timestamptz, $${params.length})`);
  }
  const { rows } = await q.query<Row>(
    `SELECT event_id, type, created, livemode, api_version, object_id, source, status, attempts,
       next_attempt_at, last_error, received_at, processed_at
     FROM webhook_inbox WHERE ${where.join(' AND ')}
     ORDER BY received_at DESC, event_id DESC LIMIT $2`,
    params,
  );
  return rows.map(toEntry);
}

export async function getInboxEvent(
  q: Queryable,
  key: { connectorId: string; eventId: string },
): Promise<(InboxEntry & { payload: unknown }) | null> {
  const { rows } = await q.query<Row & { payload: unknown }>(
    `SELECT event_id, type, created, livemode, api_version, object_id, source, status, attempts,
       next_attempt_at, last_error, received_at, processed_at, payload
     FROM webhook_inbox WHERE connector_id = $1 AND event_id = $2`,
    [key.connectorId, key.eventId],
  );
  const r = rows[0];
  return r ? { ...toEntry(r), payload: r.payload } : null;
}

/** How many events wait, failed or are parked: the queue's depth on the health page. */
export async function inboxCounts(q: Queryable, connectorId: string): Promise<Record<InboxStatus, number>> {
  const { rows } = await q.query<{ status: InboxStatus; n: number }>(
    'SELECT status, count(*)::int AS n FROM webhook_inbox WHERE connector_id = $1 GROUP BY status',
    [connectorId],
  );
  const out = Object.fromEntries(INBOX_STATUSES.map((s) => [s, 0])) as Record<InboxStatus, number>;
  for (const r of rows) out[r.status] = r.n;
  return out;
}
