import type { Db } from '../db/client.ts';
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
import { completeEvent } from './inbox/complete.ts';
import { parkEvent } from './inbox/park.ts';
import { backoffDelayMs, retryEvent } from './inbox/retry.ts';
import type { WebhookMetrics } from './metrics.ts';
import type { WebhookSettings } from './settings.ts';

/**
 * A worker: claim a batch of due events, and in that one transaction apply each (with its
 * afterApply hooks) and record its outcome. Each event runs under a savepoint, so a failing event
 * is rolled back alone and marked for retry (or parked) while the rest of the batch commits.
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
  const { done, deferred } = await runBatch(
    deps,
    (tx) => claimEvents(tx, deps.settings.batchSize),
    undefined,
  );
  for (const d of deferred) {
    // Read the object with no transaction open (a Stripe call must never hold store locks),
    // then apply the event again, alone, with the answer at hand.
    const prefetched = new Map<string, FetchedObject>();
    const scope = { workspaceId: d.claimed.workspaceId, connectorId: d.claimed.connectorId };
    const fetched = await deps.fetchObject?.(deps.db, scope, d.ref).catch(() => null);
    prefetched.set(prefetchKey(d.ref), fetched ?? null);
    const again = await runBatch(deps, (tx) => claimOne(tx, d.claimed), prefetched);
    done.push(...again.done);
  }
  report(deps, done);
  return done.length + deferred.length;
}

async function claimOne(tx: Parameters<typeof claimEvents>[0], c: ClaimedEvent): Promise<ClaimedEvent[]> {
  const { rows } = await tx.query(
    `SELECT 1 FROM webhook_inbox WHERE connector_id = $1 AND event_id = $2 AND status IN ('pending', 'failed')
     FOR UPDATE SKIP LOCKED`,
    [c.connectorId, c.eventId],
  );
  return rows.length > 0 ? [c] : [];
}

async function runBatch(
  deps: WorkerDeps,
  claim: (tx: Parameters<typeof claimEvents>[0]) => Promise<ClaimedEvent[]>,
  prefetched: ReadonlyMap<string, FetchedObject> | undefined,
): Promise<{ done: Done[]; deferred: { claimed: ClaimedEvent; ref: RefetchNeeded['ref'] }[] }> {
  const done: Done[] = [];
  const deferred: { claimed: ClaimedEvent; ref: RefetchNeeded['ref'] }[] = [];
  const ctx: ApplyEventContext = { ...deps, prefetched, lockObjects: deps.db.kind === 'postgres' };
  await deps.db.transaction(async (tx) => {
    done.length = 0;
    deferred.length = 0;
    const claimed = await claim(tx);
    // A stable order of object ids keeps two workers from locking the same rows in opposite orders.
    claimed.sort((a, b) => objectKey(a).localeCompare(objectKey(b)));
    for (const c of claimed) {
      const key = { connectorId: c.connectorId, eventId: c.eventId };
      const scope = { workspaceId: c.workspaceId, connectorId: c.connectorId };
      await tx.query('SAVEPOINT atlas_event');
      try {
        const applied = await applyEvent(tx, scope, c.event, ctx);
        const lag = await completeEvent(tx, key, applied.outcome, applied.note ?? null);
        await tx.query('RELEASE SAVEPOINT atlas_event');
        done.push({ claimed: c, outcome: applied.outcome, lag });
      } catch (error) {
        await tx.query('ROLLBACK TO SAVEPOINT atlas_event');
        if (error instanceof RefetchNeeded) {
          deferred.push({ claimed: c, ref: error.ref });
          continue;
        }
        const message = error instanceof Error ? error.message : String(error);
        const attempt = c.attempts + 1;
        if (error instanceof PermanentEventError || attempt >= deps.settings.maxAttempts) {
          await parkEvent(tx, key, { error: message });
          done.push({ claimed: c, outcome: 'parked' });
        } else {
          const delayMs = backoffDelayMs(attempt, {
            baseMs: deps.settings.backoffBaseMs,
            maxMs: deps.settings.backoffMaxMs,
          });
          await retryEvent(tx, key, { error: message, delayMs });
          done.push({ claimed: c, outcome: 'failed' });
        }
        deps.log?.warn(
          { err: error, eventId: c.eventId, type: c.event.type, attempt },
          'webhook event failed; it will be retried or parked',
        );
      }
    }
  });
  return { done, deferred };
}

/** Counted only once committed: a rolled-back batch did not happen. */
function report(deps: WorkerDeps, done: Done[]): void {
  for (const d of done) {
    deps.metrics.processed.inc({ type: d.claimed.event.type, outcome: d.outcome });
    if (d.outcome === 'parked') deps.metrics.parked.inc({ connector: d.claimed.connectorId });
    if (d.lag !== undefined && d.outcome !== 'ignored') deps.metrics.lag.observe(d.lag);
  }
}

function objectKey(c: ClaimedEvent): string {
  const o = c.event.data?.object;
  return `${c.connectorId}:${typeof o?.id === 'string' ? o.id : ''}:${c.event.created}`;
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
