import type { Queryable } from '../../db/client.ts';
import { type InsertEventInput, inboxKey, insertEventsReturning } from './insert-event.ts';

/**
 * Queue operation: intake's group commit. Concurrent deliveries are queued and written together in
 * one multi-row `INSERT … ON CONFLICT DO NOTHING RETURNING`; each request is answered when its group
 * has committed. Duplicates are the keys the insert did not return (or a second copy inside the same
 * group). A failing group rejects every one of its requests (each answers 503, Stripe retries):
 * one statement, so nothing of it was stored.
 *
 * Why: on PGlite every statement queues on one connection shared with the workers, so 500 single-row
 * inserts a second cost 500 turns of that connection; grouped, a few dozen. While one group commits
 * the next one fills, so under load the groups grow by themselves; `maxDelayMs` only decides how long
 * an idle intake waits for company (a couple of ms).
 */

export interface GroupInsertOptions {
  db: Queryable;
  /** Most rows in one INSERT (10 parameters a row; PostgreSQL allows 65,535 parameters). */
  maxRows: number;
  /** How long the first request of a group waits for others when nothing is being written. */
  maxDelayMs: number;
  /** Groups written at once: 1 on PGlite (one connection), a few on PostgreSQL (a pool). */
  maxInFlight: number;
}

export type GroupInsert = (input: InsertEventInput) => Promise<'inserted' | 'duplicate'>;

interface Waiting {
  input: InsertEventInput;
  resolve(outcome: 'inserted' | 'duplicate'): void;
  reject(error: unknown): void;
}

export function createGroupInsert(options: GroupInsertOptions): GroupInsert {
  let pending: Waiting[] = [];
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;

  function schedule(): void {
    if (inFlight >= options.maxInFlight || pending.length === 0) return;
    if (pending.length >= options.maxRows || options.maxDelayMs <= 0) {
      void flush();
      return;
    }
    timer ??= setTimeout(flush, options.maxDelayMs);
  }

  async function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (inFlight >= options.maxInFlight || pending.length === 0) return;
    const group = pending.slice(0, options.maxRows);
    pending = pending.slice(group.length);
    inFlight++;
    try {
      // One row per event: a second copy in the same group is a duplicate of the first.
      const firstOf = new Map<string, Waiting>();
      for (const w of group) {
        const key = inboxKey(w.input.connectorId, w.input.event.id);
        if (!firstOf.has(key)) firstOf.set(key, w);
      }
      const inserted = await insertEventsReturning(
        options.db,
        [...firstOf.values()].map((w) => w.input),
      );
      for (const w of group) {
        const key = inboxKey(w.input.connectorId, w.input.event.id);
        w.resolve(firstOf.get(key) === w && inserted.has(key) ? 'inserted' : 'duplicate');
      }
    } catch (error) {
      for (const w of group) w.reject(error);
    } finally {
      inFlight--;
      // Whatever queued meanwhile has already waited one commit: write it now.
      if (pending.length > 0) void flush();
    }
  }

  return (input) =>
    new Promise((resolve, reject) => {
      pending.push({ input, resolve, reject });
      schedule();
    });
}
