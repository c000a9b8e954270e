import type { Queryable } from '../db/client.ts';

/**
 * Per-connector intake counters for the health page (accepted, duplicates, rejected by reason, last
 * event received). Counted in memory and written in one statement per flush: an UPDATE of one hot
 * row per delivery would serialise every request on that row's lock under load.
 */

export type IntakeCounter = 'accepted' | 'duplicate' | `rejected:${string}`;

export interface IntakeStats {
  record(connectorId: string, counter: IntakeCounter, at?: Date): void;
  /** Writes what was counted since the last flush (also the last_event_at of each connector). */
  flush(): Promise<void>;
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

interface Pending {
  count: number;
  lastAt: Date;
}

export function createIntakeStats(db: Queryable, onError: (error: unknown) => void = () => {}): IntakeStats {
  let pending = new Map<string, Pending>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();

  async function write(batch: Map<string, Pending>): Promise<void> {
    if (batch.size === 0) return;
    const connectors: string[] = [];
    const counters: string[] = [];
    const counts: number[] = [];
    const lasts: string[] = [];
    const lastEvent = new Map<string, Date>();
    for (const [key, p] of batch) {
      const [connectorId, counter] = key.split('\u0000') as [string, string];
      connectors.push(connectorId);
      counters.push(counter);
      counts.push(p.count);
      lasts.push(p.lastAt.toISOString());
      if (counter === 'accepted' || counter === 'duplicate') {
        const prev = lastEvent.get(connectorId);
        if (!prev || prev < p.lastAt) lastEvent.set(connectorId, p.lastAt);
      }
    }
    await db.query(
      `INSERT INTO webhook_intake_counters (connector_id, counter, count, last_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[])
       ON CONFLICT (connector_id, counter) DO UPDATE SET count = webhook_intake_counters.count + EXCLUDED.count,
         last_at = GREATEST(webhook_intake_counters.last_at, EXCLUDED.last_at)`,
      [connectors, counters, counts, lasts],
    );
    for (const [connectorId, at] of lastEvent) {
      await db.query(
        `UPDATE connectors SET last_event_at = GREATEST(COALESCE(last_event_at, $2), $2) WHERE id = $1`,
        [connectorId, at.toISOString()],
      );
    }
  }

  const stats: IntakeStats = {
    record(connectorId, counter, at = new Date()) {
      const key = `${connectorId}\u0000${counter}`;
      const p = pending.get(key);
      if (p) {
        p.count++;
        if (at > p.lastAt) p.lastAt = at;
      } else pending.set(key, { count: 1, lastAt: at });
    },
    flush() {
      const batch = pending;
      pending = new Map();
      flushing = flushing.then(() =>
        write(batch).catch((error) => {
          // Put the counts back so a store hiccup loses nothing; the next flush retries.
          for (const [k, p] of batch) {
            const cur = pending.get(k);
            if (cur) {
              cur.count += p.count;
              if (p.lastAt > cur.lastAt) cur.lastAt = p.lastAt;
            } else pending.set(k, p);
          }
          onError(error);
        }),
      );
      return flushing;
    },
    start(intervalMs) {
      if (timer || intervalMs <= 0) return;
      timer = setInterval(() => void stats.flush(), intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await stats.flush();
    },
  };
  return stats;
}

export interface ConnectorIntakeStats {
  accepted: number;
  duplicates: number;
  rejected: Record<string, number>;
  lastEventReceivedAt: Date | null;
  lastRejectedAt: Date | null;
}

/** What the health page shows about deliveries to one connector. */
export async function readIntakeStats(q: Queryable, connectorId: string): Promise<ConnectorIntakeStats> {
  const { rows } = await q.query<{ counter: string; count: number; last_at: Date | null }>(
    'SELECT counter, count, last_at FROM webhook_intake_counters WHERE connector_id = $1',
    [connectorId],
  );
  const out: ConnectorIntakeStats = {
    accepted: 0,
    duplicates: 0,
    rejected: {},
    lastEventReceivedAt: null,
    lastRejectedAt: null,
  };
  const later = (a: Date | null, b: Date | null) => (a && (!b || a > b) ? a : b);
  for (const r of rows) {
    const at = r.last_at ? new Date(r.last_at) : null;
    if (r.counter === 'accepted') out.accepted = r.count;
    else if (r.counter === 'duplicate') out.duplicates = r.count;
    else if (r.counter.startsWith('rejected:')) {
      out.rejected[r.counter.slice('rejected:'.length)] = r.count;
      out.lastRejectedAt = later(at, out.lastRejectedAt);
      continue;
    }
    out.lastEventReceivedAt = later(at, out.lastEventReceivedAt);
  }
  return out;
}
