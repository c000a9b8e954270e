import { setTimeout as delay } from 'node:timers/promises';
import type { Family } from '../store/families.ts';
import { StripeRequestError } from '../stripe/errors.ts';
import { markRangeDone, splitRange } from './checkpoints.ts';
import type { ChildrenQueue } from './children-queue.ts';
import { splitPoint } from './plan.ts';
import {
  type LiveRange,
  type PageOutcome,
  runPaymentMethods,
  runRangePage,
  type TaskContext,
} from './tasks.ts';

/**
 * Hands work to a fixed pool of workers so the rate budget, not the shape of the data, sets the
 * pace. A worker takes, in order: a range nobody is reading; else it cuts the busiest range in
 * two (its remaining `created` window) and reads the lower half; else a customer whose payment
 * methods are due. Only when none of these exist does it wait for another worker to finish.
 */

export interface ChildWork {
  family: Family;
  /** The sync_ranges row that records this dependent family's done/skipped state. */
  rangeId: number;
  queue: ChildrenQueue;
  path: (parentId: string) => string;
  done?: boolean;
}

export interface SchedulerOptions {
  ctx: TaskContext;
  ranges: LiveRange[];
  children: ChildWork[];
  workers: number;
  /**
   * Range pages fetched or committing at once. Measured at 200k objects with the store on the same
   * 2 cores: 8 starves the store, no limit leaves ~40 pages queued for it and the budget at half
   * in the first third of the run; 16 keeps both busy.
   */
  maxPagesInFlight?: number;
  onPage(outcome: PageOutcome): void;
  /** A 403: true when the family was skipped, false when the sync cannot go on without it. */
  onPermissionDenied(family: Family, error: StripeRequestError): Promise<boolean>;
}

export interface SchedulerState {
  ranges: readonly LiveRange[];
  children: readonly ChildWork[];
}

/**
 * Customers whose payment methods one task lists and commits together. Their requests run
 * concurrently, so a task is about as long as one request; one transaction per 8 customers keeps
 * the store's commit rate (PGlite's is the tighter) out of the way of the rate budget.
 */
const CHILDREN_PER_TASK = 8;

/**
 * Payment-methods requests out at once, in seconds of budget: enough to fill it at up to ~0.5 s
 * per request, few enough that a range page never queues long behind them for its token. (All
 * workers taking such tasks at once put 400 requests in the queue: range pages came every ~3 s.)
 */
const CHILD_REQUESTS_IN_FLIGHT_S = 0.5;

type Task = { run: () => Promise<PageOutcome>; family: Family; release: () => void };

export function createScheduler(options: SchedulerOptions & { abort: (reason: unknown) => void }) {
  const { ctx, ranges, children } = options;
  let floorHint: number | undefined;
  const maxPagesInFlight = options.maxPagesInFlight ?? 16;
  let childrenInFlight = 0;
  let fatal: unknown;
  let wake: (() => void) | null = null;
  let changed = new Promise<void>((r) => {
    wake = r;
  });
  const notify = () => {
    const w = wake;
    changed = new Promise<void>((r) => {
      wake = r;
    });
    w?.();
  };

  const parentDone = (family: Family) => ranges.every((r) => r.spec.family !== family || r.done);

  const rangeTask = (range: LiveRange): Task => ({
    family: range.spec.family,
    run: () => runRangePage(ctx, range),
    release: () => {
      range.fetching = false;
    },
  });

  /** The running range with the most estimated objects left, and where to cut it. */
  async function split(): Promise<LiveRange | null> {
    let best: { range: LiveRange; mid: number; weight: number } | null = null;
    for (const r of ranges) {
      if (r.done || !r.fetching || r.committing) continue;
      const mid = splitPoint(r, floorHint);
      if (mid === null) continue;
      // Objects still to read, extrapolated from the range's own density. Each cut costs about one
      // partly-filled page; below four pages left that overhead outweighs the parallelism won.
      const covered = Math.max(1, (r.topCreated ?? r.lt) - (r.cursorCreated ?? r.lt));
      const density = r.listed / covered;
      const lo = floorHint !== undefined && floorHint > r.gte ? floorHint : r.gte;
      const weight = density * Math.max(0, (r.cursorCreated ?? 0) - lo);
      if (weight < 4 * ctx.pageSize) continue;
      if (!best || weight > best.weight) best = { range: r, mid, weight };
    }
    if (!best) return null;
    const { range, mid } = best;
    const oldGte = range.gte;
    // Raise the window in memory first (synchronously): the page in flight is filtered by it.
    range.gte = mid;
    const row = await ctx.db.transaction((tx) =>
      splitRange(tx, ctx.runId, { id: range.id, family: range.spec.family, gte: oldGte }, mid),
    );
    const lower: LiveRange = {
      ...range,
      id: row.id,
      gte: oldGte,
      lt: mid,
      cursor: null,
      cursorCreated: null,
      topCreated: null,
      listed: 0,
      done: false,
      fetching: true,
      committing: false,
    };
    ranges.push(lower);
    return lower;
  }

  async function nextTask(): Promise<Task | null> {
    for (;;) {
      if (ctx.signal.aborted) return null;
      // Range pages are the heavy commits (100 invoices with their lines, events with whole
      // objects); per-customer payment methods are light. Past a few pages in flight the store,
      // not Stripe, sets the pace of range pages, so further budget goes to payment methods
      // rather than to pages that would only queue for the store (and hold their workers).
      const pagesInFlight = ranges.reduce((n, r) => n + (r.fetching || r.committing ? 1 : 0), 0);
      if (pagesInFlight < maxPagesInFlight) {
        const free = ranges.find((r) => !r.done && !r.fetching && !r.committing);
        if (free) {
          free.fetching = true;
          return rangeTask(free);
        }
        // Splitting comes before payment methods: a range reads one page at a time, so the big
        // families must be cut up while there is room, and the thousands of independent
        // per-customer requests fill whatever the budget has left, to the end of the run.
        const lower = await split();
        if (lower) return rangeTask(lower);
      }
      // Slots are reserved before the queue is read (it may await the store), or every worker
      // passes the check at once. One task is always allowed: under a small budget (12/s) the
      // bound is below one task.
      const budgetFree =
        childrenInFlight === 0 ||
        childrenInFlight + CHILDREN_PER_TASK <= ctx.client.budget.rps * CHILD_REQUESTS_IN_FLIGHT_S;
      if (budgetFree) childrenInFlight += CHILDREN_PER_TASK;
      for (const child of budgetFree ? children : []) {
        if (child.done) continue;
        const ids: string[] = [];
        for (
          let id = await child.queue.take();
          id !== null;
          id = ids.length < CHILDREN_PER_TASK ? await child.queue.take() : null
        )
          ids.push(id);
        if (ids.length > 0) {
          return {
            family: child.family,
            run: () => runPaymentMethods(ctx, ids, child.path),
            release: () => {
              childrenInFlight -= CHILDREN_PER_TASK;
              for (const id of ids) child.queue.release(id);
            },
          };
        }
        if (child.queue.idle && parentDone('customers')) {
          child.done = true;
          await markRangeDone(ctx.db, child.rangeId);
        }
      }
      if (budgetFree) childrenInFlight -= CHILDREN_PER_TASK;
      const busy = ranges.some((r) => !r.done);
      if (!busy && children.every((c) => c.done)) return null;
      // Passed over the children for want of slots: a slot can come free without any task
      // finishing (another worker found nothing to take), so look again shortly.
      await (budgetFree ? changed : Promise.race([changed, delay(50)]));
    }
  }

  async function handleFailure(task: Task, error: unknown): Promise<void> {
    if (ctx.signal.aborted) return;
    if (error instanceof StripeRequestError && error.kind === 'permission') {
      if (await options.onPermissionDenied(task.family, error)) {
        for (const r of ranges) if (r.spec.family === task.family) r.done = true;
        for (const c of children) if (c.family === task.family) c.done = true;
        return;
      }
    }
    fatal ??= error;
    options.abort(error);
  }

  async function worker(): Promise<void> {
    for (;;) {
      const task = await nextTask();
      if (!task) return;
      try {
        const outcome = await task.run();
        if (outcome.oldest !== null) floorHint = Math.min(floorHint ?? outcome.oldest, outcome.oldest);
        if (outcome.customers > 0) for (const c of children) c.queue.markDirty();
        options.onPage(outcome);
      } catch (error) {
        await handleFailure(task, error);
      } finally {
        task.release();
        notify();
      }
    }
  }

  return {
    async run(): Promise<void> {
      const onAbort = () => notify();
      ctx.signal.addEventListener('abort', onAbort);
      try {
        await Promise.all(Array.from({ length: Math.max(1, options.workers) }, () => worker()));
      } finally {
        ctx.signal.removeEventListener('abort', onAbort);
      }
      if (fatal !== undefined) throw fatal;
    },
    state(): SchedulerState {
      return { ranges, children };
    },
  };
}
