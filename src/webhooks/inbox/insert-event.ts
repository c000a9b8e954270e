import type { Queryable } from '../../db/client.ts';
import { redactObject } from '../../stripe/redact.ts';
import type { StripeEvent } from '../event.ts';

/**
 * Queue operation: put an event in the inbox. The primary key (connector_id, event_id) is the
 * dedupe: a second delivery of the same event inserts nothing and reports `duplicate`, so it is
 * answered 2xx and never processed twice. The payload is stored redacted, like every stored object.
 */

export interface InsertEventInput {
  workspaceId: string;
  connectorId: string;
  event: StripeEvent;
  /** Where it came from: a signed delivery, or the catch-up listing of /v1/events. */
  source: 'webhook' | 'catch_up';
}

export async function insertEvent(q: Queryable, input: InsertEventInput): Promise<'inserted' | 'duplicate'> {
  const { rowCount } = await q.query(insertSql(1), insertParams([input]));
  return rowCount > 0 ? 'inserted' : 'duplicate';
}

/** Inserts many (catch-up); returns how many were new. */
export async function insertEvents(q: Queryable, inputs: readonly InsertEventInput[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < inputs.length; i += 100) {
    const chunk = inputs.slice(i, i + 100);
    const { rowCount } = await q.query(insertSql(chunk.length), insertParams(chunk));
    inserted += rowCount;
  }
  return inserted;
}

/**
 * Inserts a group of deliveries in ONE statement (intake's group commit) and answers which of them
 * are new: the `connector_id\u0000event_id` keys the insert returned. A key absent from the answer
 * was already in the inbox (a duplicate). One statement is atomic: either every row is stored or,
 * if it fails, none is, so every request of the group can be answered the same way.
 */
export async function insertEventsReturning(
  q: Queryable,
  inputs: readonly InsertEventInput[],
): Promise<Set<string>> {
  const { rows } = await q.query<{ connector_id: string; event_id: string }>(
    `${insertSql(inputs.length)} RETURNING connector_id, event_id`,
    insertParams(inputs),
  );
  return new Set(rows.map((r) => inboxKey(r.connector_id, r.event_id)));
}

export const inboxKey = (connectorId: string, eventId: string) => `${connectorId}\u0000${eventId}`;

const COLUMNS = [
  'workspace_id',
  'connector_id',
  'event_id',
  'type',
  'created',
  'livemode',
  'api_version',
  'object_id',
  'payload',
  'source',
] as const;

function insertSql(rows: number): string {
  const w = COLUMNS.length;
  const values = Array.from(
    { length: rows },
    (_, r) => `(${COLUMNS.map((c, i) => `$${r * w + i + 1}${c === 'payload' ? '::jsonb' : ''}`).join(', ')})`,
  );
  return `INSERT INTO webhook_inbox (${COLUMNS.join(', ')}) VALUES ${values.join(', ')}
    ON CONFLICT (connector_id, event_id) DO NOTHING`;
}

function insertParams(inputs: readonly InsertEventInput[]): unknown[] {
  return inputs.flatMap(({ workspaceId, connectorId, event, source }) => [
    workspaceId,
    connectorId,
    event.id,
    event.type,
    event.created,
    event.livemode,
    event.api_version ?? null,
    typeof event.data.object.id === 'string' ? event.data.object.id : null,
    JSON.stringify(redactObject(event)),
    source,
  ]);
}
