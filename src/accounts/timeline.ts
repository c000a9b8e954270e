// An account's billing timeline: the stored Stripe events of its customers, each in plain words
// (src/billing/timeline.ts). Events that say nothing to a person (invoice.updated, …) are left out.

import { describeEvent, type TimelineEvent } from '../billing/timeline.ts';
import type { Queryable } from '../db/client.ts';
import { idOf, invoicePaymentIntentId, isObject, num, str } from '../stripe/readers.ts';

type Obj = Record<string, unknown>;

export interface TimelineEntry {
  at: string;
  type: string;
  text: string;
  object_id: string | null;
  event_id: string;
}

interface EventRow {
  id: string;
  type: string;
  created: number;
  data: Obj;
}

function itemsOf(sub: Obj): Obj[] {
  return isObject(sub.items) && Array.isArray(sub.items.data) ? sub.items.data.filter(isObject) : [];
}

/** Prices × quantities of a subscription's items, or null when a price cannot be told (partial payload). */
function itemsSignature(sub: Obj): string | null {
  const items = itemsOf(sub);
  if (items.length === 0) return null;
  const parts = items.map((i) => {
    const price = idOf(i.price) ?? idOf(i.plan);
    return price ? `${price}x${num(i.quantity) ?? 1}` : null;
  });
  return parts.includes(null) ? null : parts.sort().join(',');
}

function planOf(sub: Obj) {
  const items = itemsOf(sub);
  const first = items[0];
  const price =
    first && isObject(first.price) ? first.price : first && isObject(first.plan) ? first.plan : {};
  const recurring = isObject(price.recurring) ? price.recurring : {};
  const product = price.product;
  const name =
    (isObject(product) ? str(product.name) : null) ??
    str(price.nickname) ??
    (typeof product === 'string' ? product : null) ??
    str(price.id) ??
    'plan';
  const amount = items.reduce((s, i) => {
    const p = isObject(i.price) ? i.price : {};
    return s + (num(p.unit_amount) ?? 0) * (num(i.quantity) ?? 1);
  }, 0);
  return {
    name,
    amount,
    currency: str(sub.currency) ?? str(price.currency) ?? 'usd',
    interval: (str(recurring.interval) ?? 'month') as 'day' | 'week' | 'month' | 'year',
    intervalCount: num(recurring.interval_count) ?? 1,
  };
}

/** Stripe event → timeline event, or null when it is noise. `failureOf` finds why an invoice failed. */
export function toTimelineEvent(e: EventRow, failureOf: (invoice: Obj) => Obj | null): TimelineEvent | null {
  const o = isObject(e.data.data) && isObject(e.data.data.object) ? e.data.data.object : {};
  const prev =
    isObject(e.data.data) && isObject(e.data.data.previous_attributes) ? e.data.data.previous_attributes : {};
  const money = { amount: num(o.amount) ?? 0, currency: str(o.currency) ?? 'usd' };
  switch (e.type) {
    case 'invoice.payment_failed': {
      const charge = failureOf(o);
      const outcome = charge && isObject(charge.outcome) ? charge.outcome : {};
      return {
        type: 'payment_failed',
        amount: num(o.amount_remaining) ?? num(o.amount_due) ?? 0,
        currency: money.currency,
        failureCode: charge ? str(charge.failure_code) : null,
        declineCode: str(outcome.reason),
        failureMessage: charge ? str(charge.failure_message) : null,
        nextRetryAt: num(o.next_payment_attempt),
      };
    }
    case 'invoice.paid':
      return {
        type: 'invoice_paid',
        invoiceId: String(o.id),
        amount: num(o.amount_paid) ?? 0,
        currency: money.currency,
      };
    case 'invoice.finalized':
      return {
        type: 'invoice_finalized',
        invoiceId: String(o.id),
        amount: num(o.amount_due) ?? 0,
        currency: money.currency,
        dueDate: num(o.due_date),
      };
    case 'invoice.marked_uncollectible':
      return {
        type: 'invoice_uncollectible',
        invoiceId: String(o.id),
        amount: num(o.amount_remaining) ?? 0,
        currency: money.currency,
      };
    case 'charge.refunded':
      return { type: 'refund_issued', amount: num(o.amount_refunded) ?? 0, currency: money.currency };
    case 'charge.dispute.created':
      return {
        type: 'dispute_opened',
        ...money,
        reason: str(o.reason) ?? 'unknown',
        dueBy: isObject(o.evidence_details) ? num(o.evidence_details.due_by) : null,
      };
    case 'charge.dispute.closed':
      return { type: 'dispute_closed', ...money, status: str(o.status) ?? 'closed' };
    case 'customer.subscription.created': {
      const p = planOf(o);
      return {
        type: 'subscription_started',
        planName: p.name,
        interval: p.interval,
        intervalCount: p.intervalCount,
        amount: p.amount,
        currency: p.currency,
      };
    }
    case 'customer.subscription.deleted':
      return { type: 'subscription_cancelled' };
    case 'customer.subscription.paused':
      return { type: 'subscription_paused' };
    case 'customer.subscription.resumed':
      return { type: 'subscription_resumed' };
    case 'customer.subscription.trial_will_end':
      return num(o.trial_end) !== null ? { type: 'trial_will_end', trialEnd: num(o.trial_end)! } : null;
    case 'customer.subscription.updated': {
      // A plan change is a change of prices or quantities; `items` also appears in
      // previous_attributes when only the period moved, so names alone would misreport renewals.
      const beforeItems = 'items' in prev ? itemsSignature({ ...o, items: prev.items }) : null;
      const afterItems = itemsSignature(o);
      if (beforeItems && afterItems && beforeItems !== afterItems) {
        const before = planOf({ ...o, items: prev.items });
        const after = planOf(o);
        return {
          type: 'plan_changed',
          fromPlan: before.name,
          toPlan: after.name,
          interval: after.interval,
          intervalCount: after.intervalCount,
          amount: after.amount,
          currency: after.currency,
        };
      }
      if (
        (o.cancel_at_period_end === true && prev.cancel_at_period_end === false) ||
        (num(o.cancel_at) !== null && 'cancel_at' in prev && prev.cancel_at === null)
      ) {
        return { type: 'subscription_cancellation_scheduled', cancelAt: num(o.cancel_at) };
      }
      if ('pause_collection' in prev)
        return isObject(o.pause_collection)
          ? { type: 'subscription_paused' }
          : { type: 'subscription_resumed' };
      return null;
    }
    default:
      return null;
  }
}

const STATUS_WORDS: Record<string, string> = {
  active: 'active',
  past_due: 'past due: a payment failed and Stripe is retrying',
  unpaid: 'unpaid: Stripe stopped retrying and it no longer bills',
  canceled: 'canceled',
  incomplete_expired: 'expired before its first payment',
  paused: 'paused',
  trialing: 'in trial',
};

/** A subscription status change (past due, unpaid, active again), which src/billing/timeline.ts
 * does not name yet: worded here so the dunning steps show in the timeline. */
export function statusChangeText(e: EventRow): string | null {
  if (e.type !== 'customer.subscription.updated') return null;
  const o = isObject(e.data.data) && isObject(e.data.data.object) ? e.data.data.object : {};
  const prev =
    isObject(e.data.data) && isObject(e.data.data.previous_attributes) ? e.data.data.previous_attributes : {};
  const from = str(prev.status);
  const to = str(o.status);
  // incomplete → active is the first payment of a new subscription: "Subscription started" says it.
  if (!from || !to || from === to || (from === 'incomplete' && to === 'active')) return null;
  const words = STATUS_WORDS[to] ?? to.replaceAll('_', ' ');
  return to === 'active'
    ? `Subscription active again (was ${from.replaceAll('_', ' ')})`
    : `Subscription ${words}`;
}

/** Newest first. Reads stripe_events, and the webhook inbox when one exists and holds payloads. */
export async function accountTimeline(
  q: Queryable,
  accountId: string,
  options: { limit?: number } = {},
): Promise<TimelineEntry[]> {
  const limit = options.limit ?? 200;
  const { rows } = await q.query<EventRow>(
    `WITH links AS (SELECT connector_id, customer_id FROM account_customers WHERE account_id = $1),
     disputes AS (SELECT d.connector_id, d.id FROM stripe_disputes d JOIN stripe_charges c
       ON c.connector_id = d.connector_id AND c.id = d.charge_id JOIN links l ON l.connector_id = c.connector_id AND l.customer_id = c.customer_id)
     SELECT e.id, e.type, e.created, e.data FROM stripe_events e JOIN links l ON l.connector_id = e.connector_id
       AND e.customer_id = l.customer_id
     UNION
     SELECT e.id, e.type, e.created, e.data FROM stripe_events e JOIN disputes d ON d.connector_id = e.connector_id AND e.object_id = d.id
     ORDER BY created DESC, id DESC LIMIT $2`,
    [accountId, limit * 3],
  );
  // Why each failed invoice failed: the failed charge of its payment intent (2025+ payloads) or of the invoice.
  const { rows: charges } = await q.query<{ data: Obj }>(
    `SELECT c.data FROM stripe_charges c JOIN account_customers l ON l.connector_id = c.connector_id AND l.customer_id = c.customer_id
     WHERE l.account_id = $1 AND c.status = 'failed' ORDER BY c.created DESC`,
    [accountId],
  );
  const failureOf = (invoice: Obj): Obj | null => {
    const pi = invoicePaymentIntentId(invoice);
    return (
      charges
        .map((c) => c.data)
        .find((c) => (pi && idOf(c.payment_intent) === pi) || idOf(c.invoice) === invoice.id) ?? null
    );
  };
  const out: TimelineEntry[] = [];
  for (const e of rows) {
    const t = toTimelineEvent(e, failureOf);
    const statusText = t ? null : statusChangeText(e);
    if (!t && !statusText) continue;
    const o = isObject(e.data.data) && isObject(e.data.data.object) ? e.data.data.object : {};
    out.push({
      at: new Date(e.created * 1000).toISOString(),
      type: t ? t.type : 'subscription_status_changed',
      text: t ? describeEvent(t) : statusText!,
      object_id: str(o.id),
      event_id: e.id,
    });
    if (out.length >= limit) break;
  }
  return out;
}
