import type { Family } from '../store/families.ts';

/**
 * Same-second ties. Events carry `created` in whole seconds, and Stripe often emits several states
 * of one object in the same second (invoice.created → finalized → paid). When the stored state has
 * the same source_ts as the incoming one and the payloads differ, the payload alone cannot say which
 * is later. Rule, in order:
 *   1. identical payload → apply (a no-op);
 *   2. a deletion is final: a stored deletion beats a same-second state, an incoming deletion wins;
 *   3. the state whose status is later in Stripe's lifecycle wins (draft < open < paid …);
 *   4. same rank → re-fetch the object through the API when a client is available (the current
 *      state is the truth); otherwise apply in processing order (the next event, or the next
 *      reconcile, corrects a wrong guess).
 * Status loops (active → past_due → active in one second) are rare enough that rule 3 is accepted.
 */

const RANKS: Partial<Record<Family, Record<string, number>>> = {
  subscriptions: {
    incomplete: 0,
    trialing: 1,
    active: 2,
    past_due: 3,
    unpaid: 4,
    paused: 4,
    canceled: 5,
    incomplete_expired: 5,
  },
  invoices: { draft: 0, open: 1, uncollectible: 2, paid: 3, void: 3 },
  charges: { pending: 0, succeeded: 1, failed: 1 },
  payment_intents: {
    requires_payment_method: 0,
    requires_confirmation: 1,
    requires_action: 2,
    processing: 3,
    requires_capture: 4,
    canceled: 5,
    succeeded: 5,
  },
  disputes: {
    warning_needs_response: 0,
    needs_response: 0,
    warning_under_review: 1,
    under_review: 1,
    warning_closed: 2,
    won: 2,
    lost: 2,
    prevented: 2,
  },
  refunds: { pending: 0, requires_action: 0, succeeded: 1, failed: 1, canceled: 1 },
  payouts: { pending: 0, in_transit: 1, paid: 2, failed: 2, canceled: 2 },
  credit_notes: { issued: 0, void: 1 },
};

export function lifecycleRank(family: Family, status: string | null): number | null {
  if (status === null) return null;
  return RANKS[family]?.[status] ?? null;
}

export interface TieInput {
  family: Family;
  stored: { status: string | null; deleted: boolean; samePayload: boolean };
  incoming: { status: string | null; deleted: boolean };
  canRefetch: boolean;
}

export type TieDecision = 'apply' | 'stale' | 'refetch';

export function decideTie(input: TieInput): TieDecision {
  const { stored, incoming } = input;
  if (stored.samePayload && stored.deleted === incoming.deleted) return 'apply';
  if (incoming.deleted) return 'apply';
  if (stored.deleted) return 'stale';
  const a = lifecycleRank(input.family, stored.status);
  const b = lifecycleRank(input.family, incoming.status);
  if (a !== null && b !== null && a !== b) return b > a ? 'apply' : 'stale';
  return input.canRefetch ? 'refetch' : 'apply';
}
