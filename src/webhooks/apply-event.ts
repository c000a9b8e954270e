import type { Queryable } from '../db/client.ts';
import { type ApplyResult, applyStripeObjects, type ObjectScope } from '../store/apply-object.ts';
import { type FamilySpec, familyOfObject } from '../store/families.ts';
import type { StripeObject } from '../stripe/readers.ts';
import { redactObject } from '../stripe/redact.ts';
import { actionFor } from './actions.ts';
import { eventObject, eventSourceTs, type StripeEvent } from './event.ts';
import { decideTie } from './tie-break.ts';

/**
 * What one event does to the store, inside the worker's transaction: look up the action for its
 * type, apply `data.object` through the one apply path (sourceTs = created × 1000, newest wins),
 * settle same-second ties, keep the event itself (the billing timeline reads stripe_events), then
 * run the afterApply hooks in the same transaction.
 */

/**
 * Runs in the worker's transaction after events are applied (account recompute, automations …).
 * The batch path calls it ONCE per connector per batch: `result` merges what the batch's events
 * applied (their own stripe_events rows included, so each event's customer counts as touched),
 * `event` is the batch's newest and `events` all of them. The one-at-a-time path calls it per event.
 * A hook that throws rolls the whole batch back; the batch is then retried one event at a time, so
 * only the event the hook refuses fails.
 */
export type AfterApplyHook = (
  tx: Queryable,
  args: { scope: ObjectScope; event: StripeEvent; events?: readonly StripeEvent[]; result: ApplyResult },
) => Promise<void>;

/**
 * Reads the current state of an object from Stripe, with when it was read (the response's Date, ms);
 * null when it cannot (no client, no retrieve endpoint for the family).
 */
export type ObjectFetcher = (
  /** The worker's transaction: on PGlite any other connection would wait for it (deadlock). */
  tx: Queryable,
  scope: ObjectScope,
  ref: { family: FamilySpec['family']; id: string },
) => Promise<{ object: StripeObject; sourceTs: number } | null>;

export type FetchedObject = { object: StripeObject; sourceTs: number } | null;

export interface ApplyEventContext {
  afterApply: readonly AfterApplyHook[];
  fetchObject?: ObjectFetcher;
  /**
   * Serialise work on one object across concurrent transactions (PostgreSQL with several workers):
   * without it, two same-second states could each pass the tie check on a snapshot taken before
   * the other committed, and the earlier lifecycle state could land last. PGlite runs one
   * transaction at a time, so it needs no lock.
   */
  lockObjects?: boolean;
  /** Objects re-read before this transaction, by `family:id` (see RefetchNeeded). */
  prefetched?: ReadonlyMap<string, FetchedObject>;
}

/**
 * A tie that needs the object's current state. Thrown instead of calling Stripe inside the
 * transaction: the worker rolls the event back, reads the object with no lock held, and applies
 * the event again in a transaction of its own with the answer in `prefetched`.
 */
export class RefetchNeeded extends Error {
  override name = 'RefetchNeeded';
  readonly ref: { family: FamilySpec['family']; id: string };
  constructor(ref: { family: FamilySpec['family']; id: string }) {
    super(`${ref.family} ${ref.id} needs a re-read to settle a same-second tie`);
    this.ref = ref;
  }
}

export const prefetchKey = (ref: { family: string; id: string }) => `${ref.family}:${ref.id}`;

export type EventOutcome = 'applied' | 'stale' | 'ignored';

export interface AppliedEvent {
  outcome: EventOutcome;
  note?: string;
  result?: ApplyResult;
}

/** An event that can never succeed (its object contradicts its type): parked at once, not retried. */
export class PermanentEventError extends Error {
  override name = 'PermanentEventError';
}

const EMPTY: ApplyResult = { applied: [], stale: [], unknown: 0 };

export async function applyEvent(
  tx: Queryable,
  scope: ObjectScope,
  event: StripeEvent,
  ctx: ApplyEventContext,
): Promise<AppliedEvent> {
  const action = actionFor(event.type);
  const sourceTs = eventSourceTs(event);
  if (action.kind === 'ignore') {
    await applyStripeObjects(tx, scope, [event], { sourceTs });
    return { outcome: 'ignored', note: action.reason };
  }
  const object = eventObject(event);
  const spec = familyOfObject(object);
  if (typeof object.id !== 'string' || !spec || spec.family !== action.family) {
    throw new PermanentEventError(
      `Event ${event.id} (${event.type}) carries a "${String(object.object)}" object without the expected ` +
        `${action.family} shape; it cannot be applied. Inspect the payload, then retry or leave it parked.`,
    );
  }
  const deleted = action.kind === 'delete';
  const result = await applyWithTies(tx, scope, spec, object, { sourceTs, deleted }, ctx);
  await applyStripeObjects(tx, scope, [event], { sourceTs });
  for (const hook of ctx.afterApply) await hook(tx, { scope, event, events: [event], result });
  const applied = result.applied.some((a) => a.id === object.id && a.family === spec.family);
  return { outcome: applied ? 'applied' : 'stale', result };
}

async function applyWithTies(
  tx: Queryable,
  scope: ObjectScope,
  spec: FamilySpec,
  object: StripeObject,
  options: { sourceTs: number; deleted: boolean },
  ctx: ApplyEventContext,
): Promise<ApplyResult> {
  if (ctx.lockObjects) {
    // Held to the end of the transaction; the worker sorts its batch by object, so locks are taken in order.
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `${scope.connectorId}:${object.id}`,
    ]);
  }
  const { rows } = await tx.query<{ status: string | null; deleted: boolean; same: boolean }>(
    `SELECT status, deleted, data = $3::jsonb AS same FROM ${spec.table}
     WHERE connector_id = $1 AND id = $2 AND source_ts = $4`,
    [scope.connectorId, object.id, JSON.stringify(redactObject(object)), options.sourceTs],
  );
  const stored = rows[0];
  if (!stored) return applyStripeObjects(tx, scope, [object], options);
  const decision = decideTie({
    family: spec.family,
    stored: { status: stored.status, deleted: stored.deleted, samePayload: stored.same },
    incoming: { status: typeof object.status === 'string' ? object.status : null, deleted: options.deleted },
    canRefetch: Boolean(ctx.fetchObject),
  });
  if (decision === 'stale') {
    return { ...EMPTY, stale: [{ family: spec.family, id: object.id, customerId: null }] };
  }
  if (decision === 'refetch') {
    const ref = { family: spec.family, id: object.id };
    if (!ctx.prefetched?.has(prefetchKey(ref))) throw new RefetchNeeded(ref);
    const current = ctx.prefetched.get(prefetchKey(ref));
    // The fetched state is at least as new as the event: stamped with the later of the two times.
    if (current) {
      const sourceTs = Math.max(options.sourceTs, current.sourceTs);
      return applyStripeObjects(tx, scope, [current.object], { sourceTs });
    }
  }
  return applyStripeObjects(tx, scope, [object], options);
}
