import type { Db } from '../db/client.ts';
import { type ApplyResult, applyStripeObjects, type ObjectScope } from '../store/apply-object.ts';
import type { FamilySpec } from '../store/families.ts';
import type { ConnectorStripe } from '../stripe/client.ts';
import { StripeRequestError } from '../stripe/errors.ts';
import { num, type StripeObject } from '../stripe/readers.ts';
import { abortable } from './abortable.ts';
import { advanceRange, markChildrenDone, recordSeen } from './checkpoints.ts';
import { fetchNestedRest } from './nested.ts';

/**
 * The two units of backfill work: one page of a `created` range, and the payment methods of one
 * customer. Each fetches first, then commits everything it fetched together with its checkpoint
 * in ONE transaction: a crash before the commit re-reads the page, never skips it.
 */

export interface TaskContext {
  db: Db;
  client: ConnectorStripe;
  scope: ObjectScope;
  runId: string;
  upperBound: number;
  pageSize: number;
  signal: AbortSignal;
}

/** A range as the scheduler holds it in memory (mirrors its sync_ranges row). */
export interface LiveRange {
  id: number;
  spec: FamilySpec;
  gte: number;
  lt: number;
  cursor: string | null;
  cursorCreated: number | null;
  /** `created` of the first object this process read from the range (density estimate). */
  topCreated: number | null;
  listed: number;
  done: boolean;
  /** A request is out for this range: a split may still lower its window. */
  fetching: boolean;
  /** Its page is being committed: no split now, the page was filtered with the old window. */
  committing: boolean;
}

export interface PageOutcome {
  objects: number;
  /** Oldest `created` among the page's objects (the account's floor hint). */
  oldest: number | null;
  /** Customer ids committed (they queue their payment methods). */
  customers: number;
}

function seenOf(result: ApplyResult): { family: string; id: string }[] {
  return [...result.applied, ...result.stale].map((o) => ({ family: o.family, id: o.id }));
}

export async function runRangePage(ctx: TaskContext, range: LiveRange): Promise<PageOutcome> {
  const spec = range.spec;
  range.fetching = true;
  let page: Awaited<ReturnType<ConnectorStripe['list']>>;
  try {
    page = await abortable(
      ctx.client.list(
        spec.listPath!,
        {
          ...spec.listParams,
          limit: ctx.pageSize,
          created: { gte: range.gte, lt: range.lt },
          starting_after: range.cursor ?? undefined,
        },
        { signal: ctx.signal },
      ),
      ctx.signal,
    );
  } finally {
    range.fetching = false;
  }
  range.committing = true;
  try {
    // The window may have been split while the request was out: the lower part now belongs to
    // another range, and reaching it means this range is finished.
    const objects = page.data as StripeObject[];
    const kept = objects.filter((o) => (num(o.created) ?? range.gte) >= range.gte);
    const exhausted = !page.has_more || kept.length < objects.length || kept.length === 0;
    const nested = await fetchNestedRest(ctx.client, kept, { pageSize: ctx.pageSize, signal: ctx.signal });
    const last = kept.at(-1);
    const lastCreated = last ? num(last.created) : null;
    await ctx.db.transaction(async (tx) => {
      const seen = seenOf(await applyStripeObjects(tx, ctx.scope, kept, { sourceTs: page.sourceTs }));
      for (const batch of nested) {
        const r = await applyStripeObjects(tx, ctx.scope, batch.items, {
          sourceTs: batch.sourceTs,
          parent: { [batch.parentColumn]: batch.parentId },
        });
        seen.push(...seenOf(r));
      }
      await recordSeen(tx, ctx.runId, seen);
      await advanceRange(tx, range.id, {
        cursor: last?.id ?? null,
        cursorCreated: lastCreated,
        listed: kept.length,
        done: exhausted,
      });
    });
    if (last) {
      range.cursor = last.id;
      range.cursorCreated = lastCreated;
      range.topCreated ??= num(kept[0]!.created);
    }
    range.listed += kept.length;
    range.done = exhausted;
    return {
      objects: kept.length + nested.reduce((n, b) => n + b.items.length, 0),
      oldest: lastCreated,
      customers: spec.family === 'customers' ? kept.length : 0,
    };
  } finally {
    range.committing = false;
  }
}

/**
 * Lists the payment methods of a few customers (every page of each, concurrently: the budget sets
 * the pace) and commits them in one transaction with the customers' flags. Batching matters: most
 * customers have one or two payment methods, and a transaction per customer would make the store,
 * not Stripe, the limit.
 */
export async function runPaymentMethods(
  ctx: TaskContext,
  customerIds: readonly string[],
  path: (customerId: string) => string,
): Promise<PageOutcome> {
  const perCustomer = await Promise.all(customerIds.map((id) => listAllPages(ctx, path(id))));
  const pages = perCustomer.flat();
  await ctx.db.transaction(async (tx) => {
    const seen: { family: string; id: string }[] = [];
    for (const p of pages)
      seen.push(...seenOf(await applyStripeObjects(tx, ctx.scope, p.items, { sourceTs: p.sourceTs })));
    await recordSeen(tx, ctx.runId, seen);
    await markChildrenDone(tx, ctx.runId, 'customers', customerIds);
  });
  return { objects: pages.reduce((n, p) => n + p.items.length, 0), oldest: null, customers: 0 };
}

async function listAllPages(
  ctx: TaskContext,
  path: string,
): Promise<{ items: StripeObject[]; sourceTs: number }[]> {
  const pages: { items: StripeObject[]; sourceTs: number }[] = [];
  let cursor: string | undefined;
  for (;;) {
    try {
      const page = await abortable(
        ctx.client.list<StripeObject>(
          path,
          { limit: ctx.pageSize, starting_after: cursor },
          { signal: ctx.signal },
        ),
        ctx.signal,
      );
      pages.push({ items: page.data, sourceTs: page.sourceTs });
      cursor = page.data.at(-1)?.id;
      if (!page.has_more || !cursor) return pages;
    } catch (error) {
      // The customer was deleted after it was listed: it has no payment methods to read.
      if (error instanceof StripeRequestError && error.status === 404) return pages;
      throw error;
    }
  }
}
