import type { Db } from '../db/client.ts';
import type { ObjectScope } from '../store/apply-object.ts';
import { type Family, familySpec } from '../store/families.ts';
import type { ConnectorStripe } from '../stripe/client.ts';
import { StripeRequestError } from '../stripe/errors.ts';
import { FAMILY_PERMISSION, REQUIRED_PERMISSIONS } from '../stripe/permissions.ts';
import { abortable } from './abortable.ts';
import {
  createRun,
  finishRun,
  loadRanges,
  markRunResumed,
  resumableRun,
  type SyncRun,
  skipFamily,
} from './checkpoints.ts';
import { createChildrenQueue } from './children-queue.ts';
import { type FamilyCheck, finishFamilies } from './finish.ts';
import { DEPENDENT_FAMILIES, dependentFamilies, listedFamilies } from './plan.ts';
import { createProgress, type SyncProgress } from './progress.ts';
import { createScheduler } from './scheduler.ts';
import type { TaskContext } from './tasks.ts';

/**
 * Backfill: reads every family into the store through applyStripeObjects, in parallel across
 * families and across `created` ranges, within the connector's rate budget, resumable from the
 * checkpoints of an unfinished run, and proven complete (counts and id sets) at the end.
 */

export interface BackfillOptions {
  db: Db;
  client: ConnectorStripe;
  scope: ObjectScope;
  /** Only these families (tests); default every family in the registry. */
  families?: Family[];
  /** Concurrent workers; default enough to keep the budget busy at ~0.5 s per request. */
  workers?: number;
  /** Objects per page (Stripe's maximum is 100). */
  pageSize?: number;
  /** Stops cleanly (Ctrl-C): committed pages stay, the run resumes next time. */
  signal?: AbortSignal;
  /** Called after every committed page. */
  onProgress?: (progress: SyncProgress) => void;
}

export interface BackfillResult {
  runId: string;
  families: Record<string, FamilyCheck>;
  requests: number;
  elapsed_ms: number;
  requests_per_second: number;
  rate_budget_rps: number;
  budget_utilization: number;
  complete: boolean;
  resumed: boolean;
  /** Rows marked deleted because Stripe no longer lists them. */
  deleted: number;
  /** Families the key may not read (and Atlas works without), with the permission to grant. */
  skipped: Record<string, string>;
}

/** A sync that stopped before the end; the run is left resumable. */
export class SyncStoppedError extends Error {
  override name = 'SyncStoppedError';
  readonly runId: string;
  readonly interrupted: boolean;
  constructor(message: string, options: { runId: string; interrupted: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.runId = options.runId;
    this.interrupted = options.interrupted;
  }
}

const REQUIRED = new Set(REQUIRED_PERMISSIONS.map((p) => p.resource));

export function defaultWorkers(rps: number): number {
  return Math.min(64, Math.max(4, Math.ceil(rps / 2)));
}

async function startOrResume(options: BackfillOptions): Promise<{ run: SyncRun; resumed: boolean }> {
  const { db, client, scope } = options;
  const existing = await resumableRun(db, scope.connectorId);
  if (existing) {
    await markRunResumed(db, existing.id);
    return { run: existing, resumed: true };
  }
  // One cheap call fixes the run's upper bound on Stripe's own clock (the Date header) and fails
  // fast on a wrong key before anything is written.
  const probe = await abortable(
    client.list('/v1/customers', { limit: 1 }, { signal: options.signal }),
    options.signal,
  );
  const upperBound = Math.floor(probe.sourceTs / 1000) + 1;
  const ranges = [
    ...listedFamilies(options.families).map((f) => ({ family: f.family, gte: 0, lt: upperBound })),
    // Dependent families get one row, the place their done/skipped state is kept.
    ...dependentFamilies(options.families).map((f) => ({ family: f, gte: 0, lt: upperBound })),
  ];
  const run = await db.transaction((tx) =>
    createRun(tx, { ...scope, upperBound, sourceTs: probe.sourceTs, ranges }),
  );
  return { run, resumed: false };
}

export async function backfill(options: BackfillOptions): Promise<BackfillResult> {
  const { db, client, scope } = options;
  const startedAt = performance.now();
  const requestsBefore = client.stats.requests;
  const internal = new AbortController();
  const onOuterAbort = () => internal.abort(options.signal?.reason ?? new Error('Sync cancelled'));
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (options.signal?.aborted) onOuterAbort();

  const { run, resumed } = await startOrResume(options);
  const rows = await loadRanges(db, run.id);
  const ctx: TaskContext = {
    db,
    client,
    scope,
    runId: run.id,
    upperBound: run.upperBound,
    pageSize: options.pageSize ?? 100,
    signal: internal.signal,
  };
  const dependent = rows.filter((r) => DEPENDENT_FAMILIES[r.family as Family]);
  const progress = createProgress({ client, ranges: rows, startedAt });
  const scheduler = createScheduler({
    ctx,
    ranges: rows
      .filter((r) => !DEPENDENT_FAMILIES[r.family as Family])
      .map((r) => ({
        id: r.id,
        spec: familySpec(r.family as Family),
        gte: r.gte,
        lt: r.lt,
        cursor: r.cursor,
        cursorCreated: r.cursorCreated,
        topCreated: null,
        listed: Number(r.listed),
        done: r.done,
        fetching: false,
        committing: false,
      })),
    children: dependent
      .filter((r) => !r.done)
      .map((r) => ({
        family: r.family as Family,
        rangeId: r.id,
        queue: createChildrenQueue(db, run.id, DEPENDENT_FAMILIES[r.family as Family]!.parent),
        path: DEPENDENT_FAMILIES[r.family as Family]!.path,
      })),
    onPage: (outcome) => {
      progress.page(outcome);
      options.onProgress?.(progress.snapshot(scheduler.state()));
    },
    onPermissionDenied: async (family, error) => {
      const permission = error.permission ?? FAMILY_PERMISSION[family];
      // Atlas cannot work without the required permissions; any other family is left out and
      // reported, so a key made as the connector page says (five read permissions) still syncs.
      if (REQUIRED.has(permission.resource)) return false;
      await skipFamily(db, run.id, family, `${permission.label} not granted`);
      return true;
    },
    workers: options.workers ?? defaultWorkers(client.budget.rps),
    abort: (reason) => internal.abort(reason),
  });

  let failure: unknown;
  try {
    await scheduler.run();
  } catch (error) {
    failure = error;
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
  const cancelled = options.signal?.aborted === true;
  if (cancelled || failure !== undefined) {
    const cause = cancelled ? options.signal?.reason : failure;
    await finishRun(db, run.id, {
      status: cancelled ? 'interrupted' : 'failed',
      requests: client.stats.requests - requestsBefore,
      elapsedMs: performance.now() - startedAt,
      error: cause instanceof Error ? cause.message : String(cause),
      errorKind: cause instanceof StripeRequestError ? cause.kind : undefined,
    });
    if (!cancelled) throw failure;
    throw new SyncStoppedError('Sync interrupted. Committed pages are kept: run sync again to resume.', {
      runId: run.id,
      interrupted: true,
      cause,
    });
  }

  const finished = await finishFamilies(db, { run, scope });
  const elapsed = performance.now() - startedAt;
  const allRequests = client.stats.requests - requestsBefore;
  const rps = client.budget.rps;
  const result: BackfillResult = {
    runId: run.id,
    families: finished.families,
    requests: allRequests,
    elapsed_ms: Math.round(elapsed),
    requests_per_second: round(allRequests / (elapsed / 1000)),
    rate_budget_rps: rps,
    budget_utilization: round(allRequests / (elapsed / 1000) / rps),
    complete: finished.complete,
    resumed,
    deleted: finished.deleted,
    skipped: finished.skipped,
  };
  await finishRun(db, run.id, {
    status: result.complete ? 'complete' : 'incomplete',
    requests: allRequests,
    elapsedMs: elapsed,
    result,
  });
  options.onProgress?.(progress.snapshot(scheduler.state(), true));
  return result;
}

function round(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1000) / 1000 : 0;
}
