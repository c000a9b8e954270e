import type { Db, Queryable } from '../db/client.ts';
import { applyBatch } from './apply-batch.ts';
import {
  type AppliedEvent,
  type ApplyEventContext,
  applyEvent,
  type FetchedObject,
  PermanentEventError,
  prefetchKey,
  RefetchNeeded,
} from './apply-event.ts';
import { type ClaimedEvent, claimEvents } from './inbox/claim.ts';
import { completeEvent, completeEvents } from './inbox/complete.ts';
import { parkEvent } from './inbox/park.ts';
import { backoffDelayMs, retryEvent } from './inbox/retry.ts';
import type { WebhookMetrics } from './metrics.ts';
import type { WebhookSettings } from './settings.ts';

/**
 * A worker: claim a batch of due events (oldest first) and apply it in ONE short transaction with a
 * few statements (apply-batch.ts), outcomes written by one UPDATE. No savepoints on the happy path:
 * if anything in the batch fails, the whole transaction rolls back and the batch is redone one event
 * per transaction, so only the failing event is retried (or parked) and its batch-mates commit.
 * Ties that need a re-read from Stripe take that one-at-a-time path too, with the read done while
 * no transaction is open.
 */

export interface WorkerDeps extends ApplyEventContext {
  db: Db;
  settings: WebhookSettings;
  metrics: WebhookMetrics;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

interface Done {
  claimed: ClaimedEvent;
  outcome: AppliedEvent['outcome'] | 'failed' | 'parked';
  lag?: number;
}

/** Processes one batch; returns how many events it claimed (0 = nothing due). */
export async function processBatch(deps: WorkerDeps): Promise<number> {
  const ctx: ApplyEventContext = { ...deps, lockObjects: deps.db.kind === 'postgres' };
  let claimed: ClaimedEvent[] = [];
  let done: Done[] = [];
  let single: ClaimedEvent[];
  try {
    single = await deps.db.transaction(async (tx) => {
      claimed = await claimEvents(tx, deps.settings.batchSize);
      if (claimed.length === 0) return [];
      const batch = await applyBatch(tx, claimed, ctx);
      const keyed = batch.done.map((d) => ({
        connectorId: d.claimed.connectorId,
        eventId: d.claimed.eventId,
        outcome: d.outcome,
        note: d.note,
      }));
      const lags = await completeEvents(tx, keyed);
      done = batch.done.map((d) => ({
        claimed: d.claimed,
        outcome: d.outcome,
        lag: lags.get(`${d.claimed.connectorId}\u0000${d.claimed.eventId}`),
      }));
      return batch.single;
    });
  } catch (error) {
    // Nothing claimed: the store itself failed; the pool backs off.
    if (claimed.length === 0) throw error;
    deps.log?.warn(
      { err: error, events: claimed.length },
      'a webhook batch failed; redoing it one event at a time',
    );
    done = [];
    single = claimed;
  }
  for (const c of single) {
    const one = await processOne(deps, c);
    if (one) done.push(one);
  }
  report(deps, done);
  return claimed.length;
}

/**
 * One event in its own transaction (the failure path and re-read ties). A failure is recorded in a
 * statement of its own after the rollback: retried with backoff, or parked when it can never succeed
 * or has used its tries.
 */
async function processOne(deps: WorkerDeps, c: ClaimedEvent): Promise<Done | null> {
  const key = { connectorId: c.connectorId, eventId: c.eventId };
  const scope = { workspaceId: c.workspaceId, connectorId: c.connectorId };
  let prefetched: Map<string, FetchedObject> | undefined;
  for (;;) {
    try {
      const ctx: ApplyEventContext = { ...deps, prefetched, lockObjects: deps.db.kind === 'postgres' };
      return await deps.db.transaction(async (tx) => {
        if (!(await claimOne(tx, c))) return null; // another worker has it, or it is done
        const applied = await applyEvent(tx, scope, c.event, ctx);
        const lag = await completeEvent(tx, key, applied.outcome, applied.note ?? null);
        return { claimed: c, outcome: applied.outcome, lag };
      });
    } catch (error) {
      if (error instanceof RefetchNeeded && !prefetched) {
        // Read the object with no transaction open (a Stripe call must never hold store locks),
        // then apply the event again with the answer at hand.
        const fetched = await deps.fetchObject?.(deps.db, scope, error.ref).catch(() => null);
        prefetched = new Map([[prefetchKey(error.ref), fetched ?? null]]);
        continue;
      }
      return recordFailure(deps, c, error);
    }
  }
}

async function recordFailure(deps: WorkerDeps, c: ClaimedEvent, error: unknown): Promise<Done> {
  const key = { connectorId: c.connectorId, eventId: c.eventId };
  const message = error instanceof Error ? error.message : String(error);
  const attempt = c.attempts + 1;
  deps.log?.warn(
    { err: error, eventId: c.eventId, type: c.event.type, attempt },
    'webhook event failed; it will be retried or parked',
  );
  if (error instanceof PermanentEventError || attempt >= deps.settings.maxAttempts) {
    await parkEvent(deps.db, key, { error: message });
    return { claimed: c, outcome: 'parked' };
  }
  const delayMs = backoffDelayMs(attempt, {
    baseMs: deps.settings.backoffBaseMs,
    maxMs: deps.settings.backoffMaxMs,
  });
  await retryEvent(deps.db, key, { error: message, delayMs });
  return { claimed: c, outcome: 'failed' };
}

async function claimOne(tx: Queryable, c: ClaimedEvent): Promise<boolean> {
  const { rows } = await tx.query(
    `SELECT 1 FROM webhook_inbox WHERE connector_id = $1 AND event_id = $2 AND status IN ('pending', 'failed')
     FOR UPDATE SKIP LOCKED`,
    [c.connectorId, c.eventId],
  );
  return rows.length > 0;
}

/** Counted only once committed: a rolled-back batch did not happen. */
function report(deps: WorkerDeps, done: Done[]): void {
  for (const d of done) {
    deps.metrics.processed.inc({ type: d.claimed.event.type, outcome: d.outcome });
    if (d.outcome === 'parked') deps.metrics.parked.inc({ connector: d.claimed.connectorId });
    if (d.lag !== undefined && d.outcome !== 'ignored') deps.metrics.lag.observe(d.lag);
  }
}

export interface WorkerPool {
  start(): void;
  /** Wakes idle workers now (new events were committed in this process). */
  wake(): void;
  /** Stops claiming; resolves when the batches in flight have committed. */
  stop(): Promise<void>;
  /** Processes until nothing is due (tests, the CLI's one-shot modes). */
  drain(): Promise<number>;
}

export function createWorkerPool(deps: WorkerDeps, count: number): WorkerPool {
  let running = false;
  const loops: Promise<void>[] = [];
  let waiters: (() => void)[] = [];

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        waiters = waiters.filter((w) => w !== done);
        resolve();
      }
      waiters.push(done);
    });

  async function loop(): Promise<void> {
    let failures = 0;
    while (running) {
      try {
        const n = await processBatch(deps);
        failures = 0;
        if (n === 0) await sleep(deps.settings.pollIntervalMs);
      } catch (error) {
        // The store itself failed (not one event): back off, nothing was committed.
        failures++;
        deps.log?.error({ err: error }, 'webhook worker could not reach the store; retrying');
        await sleep(Math.min(30_000, 250 * 2 ** Math.min(failures, 7)));
      }
    }
  }

  return {
    start() {
      if (running || count <= 0) return;
      running = true;
      for (let i = 0; i < count; i++) loops.push(loop());
    },
    wake() {
      for (const w of waiters.slice()) w();
    },
    async stop() {
      running = false;
      for (const w of waiters.slice()) w();
      await Promise.all(loops);
      loops.length = 0;
    },
    async drain() {
      let total = 0;
      for (;;) {
        const n = await processBatch(deps);
        if (n === 0) return total;
        total += n;
      }
    },
  };
}
