import type { Connector } from '../connector/connectors.ts';
import type { Queryable } from '../db/client.ts';
import { FAMILIES, type Family } from '../store/families.ts';
import type { ConnectorStripe } from '../stripe/client.ts';
import { parseEventObject, type StripeEvent } from './event.ts';
import { insertEvents } from './inbox/insert-event.ts';
import type { WebhookSettings } from './settings.ts';

/**
 * Catch-up after downtime: list /v1/events created since the newest event the inbox holds (minus a
 * small overlap; the inbox's dedupe drops what we already have) and insert them into the inbox, where
 * the workers apply them like any delivery. Stripe keeps events 30 days: when the newest event we
 * hold is older than that, events may be lost, so the families are re-synced instead.
 */

/** Re-reads families from Stripe (the sync runner); absent when no sync runner is wired in. */
export type ResyncFamilies = (args: {
  connectorId: string;
  workspaceId: string;
  families: Family[];
  reason: string;
}) => Promise<void>;

export interface CatchUpDeps {
  db: Queryable;
  settings: Pick<WebhookSettings, 'catchUpOverlapSeconds' | 'eventRetentionSeconds'>;
  clientFor: (connectorId: string, q?: Queryable) => Promise<ConnectorStripe | null>;
  resync?: ResyncFamilies;
  /** New events were inserted: wake the workers. */
  onInserted?: () => void;
  now?: () => number;
}

export interface CatchUpResult {
  connectorId: string;
  listed: number;
  inserted: number;
  /** Set when the gap was older than Stripe's event retention. */
  gap?: { lastSeen: number; resynced: boolean };
  skipped?: string;
}

/** Families a re-sync covers: everything the connector lists from Stripe, except the events themselves. */
const RESYNC_FAMILIES = FAMILIES.filter((f) => f.listPath && f.family !== 'events').map((f) => f.family);

export async function catchUpConnector(deps: CatchUpDeps, connector: Connector): Promise<CatchUpResult> {
  const base = { connectorId: connector.id, listed: 0, inserted: 0 };
  const { rows } = await deps.db.query<{ last: number | null }>(
    'SELECT max(created) AS last FROM webhook_inbox WHERE connector_id = $1',
    [connector.id],
  );
  const lastSeen = rows[0]?.last ?? null;
  // Nothing received yet: the initial backfill covers the state; catch-up starts from the first event.
  if (lastSeen === null) return { ...base, skipped: 'no event received yet' };
  const client = await deps.clientFor(connector.id);
  if (!client) return { ...base, skipped: 'no Stripe key' };

  let listed = 0;
  let inserted = 0;
  let newest = 0;
  let startingAfter: string | undefined;
  const since = Math.max(0, lastSeen - deps.settings.catchUpOverlapSeconds);
  for (;;) {
    const page = await client.list<unknown>('/v1/events', {
      limit: 100,
      created: { gte: since },
      starting_after: startingAfter,
    });
    const events: StripeEvent[] = [];
    for (const raw of page.data) {
      const parsed = parseEventObject(raw);
      if (!parsed.ok) continue;
      if (connector.livemode !== null && parsed.event.livemode !== connector.livemode) continue;
      events.push(parsed.event);
      newest = Math.max(newest, parsed.event.created);
    }
    listed += page.data.length;
    inserted += await insertEvents(
      deps.db,
      events.map((event) => ({
        workspaceId: connector.workspaceId,
        connectorId: connector.id,
        event,
        source: 'catch_up' as const,
      })),
    );
    const last = page.data.at(-1) as { id?: string } | undefined;
    if (!page.has_more || !last?.id) break;
    startingAfter = last.id;
  }
  if (inserted > 0) deps.onInserted?.();

  const result: CatchUpResult = { ...base, listed, inserted };
  const nowSeconds = Math.max(Math.floor((deps.now?.() ?? Date.now()) / 1000), newest);
  if (lastSeen < nowSeconds - deps.settings.eventRetentionSeconds) {
    result.gap = { lastSeen, resynced: false };
    const state = await deps.db.query<{ at: Date | null }>(
      'SELECT last_gap_resync_at AS at FROM webhook_catch_up WHERE connector_id = $1',
      [connector.id],
    );
    const lastResync = state.rows[0]?.at ? new Date(state.rows[0].at).getTime() / 1000 : null;
    // One re-sync per gap: after it, the gap stays until the next event arrives, and that is fine.
    if (deps.resync && (lastResync === null || lastResync < lastSeen)) {
      await deps.resync({
        connectorId: connector.id,
        workspaceId: connector.workspaceId,
        families: RESYNC_FAMILIES,
        reason: `no event received since ${new Date(lastSeen * 1000).toISOString()}, older than Stripe's event retention`,
      });
      result.gap.resynced = true;
    }
  }
  await recordRun(deps.db, result);
  return result;
}

async function recordRun(db: Queryable, r: CatchUpResult): Promise<void> {
  await db.query(
    `INSERT INTO webhook_catch_up (connector_id, last_run_at, last_listed, last_inserted, last_gap_resync_at, last_error)
     VALUES ($1, now(), $2, $3, CASE WHEN $4 THEN now() END, NULL)
     ON CONFLICT (connector_id) DO UPDATE SET last_run_at = now(), last_listed = $2, last_inserted = $3,
       last_gap_resync_at = CASE WHEN $4 THEN now() ELSE webhook_catch_up.last_gap_resync_at END, last_error = NULL`,
    [r.connectorId, r.listed, r.inserted, r.gap?.resynced === true],
  );
}

export async function recordCatchUpError(db: Queryable, connectorId: string, error: unknown): Promise<void> {
  await db.query(
    `INSERT INTO webhook_catch_up (connector_id, last_run_at, last_error) VALUES ($1, now(), $2)
     ON CONFLICT (connector_id) DO UPDATE SET last_run_at = now(), last_error = $2`,
    [connectorId, error instanceof Error ? error.message : String(error)],
  );
}
