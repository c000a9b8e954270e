import type { Family } from '../store/families.ts';

/**
 * Event type → action, in one table. `apply` stores `data.object` (newest wins), `delete` stores it
 * marked deleted, `ignore` records the event and does nothing else. Anything not listed falls back
 * to FALLBACK (ignored, never a failure): Stripe adds event types all the time.
 *
 * Note the two that look like deletions but are not: `customer.subscription.deleted` is a
 * cancellation (the subscription keeps existing with status canceled), and
 * `payment_method.detached` carries the method with `customer: null` (the link is cleared).
 */

export type EventAction =
  | { kind: 'apply'; family: Family }
  | { kind: 'delete'; family: Family }
  | { kind: 'ignore'; reason: string };

const apply = (family: Family, prefix: string, names: string[]) =>
  Object.fromEntries(names.map((n) => [`${prefix}.${n}`, { kind: 'apply', family } as EventAction]));
const del = (family: Family, type: string) => ({ [type]: { kind: 'delete', family } as EventAction });
const ignore = (reason: string, types: string[]) =>
  Object.fromEntries(types.map((t) => [t, { kind: 'ignore', reason } as EventAction]));

export const EVENT_ACTIONS: Readonly<Record<string, EventAction>> = {
  ...apply('customers', 'customer', ['created', 'updated']),
  ...del('customers', 'customer.deleted'),
  ...apply('products', 'product', ['created', 'updated']),
  ...del('products', 'product.deleted'),
  ...apply('prices', 'price', ['created', 'updated']),
  ...del('prices', 'price.deleted'),
  ...apply('prices', 'plan', ['created', 'updated']),
  ...del('prices', 'plan.deleted'),
  ...apply('coupons', 'coupon', ['created', 'updated']),
  ...del('coupons', 'coupon.deleted'),
  ...apply('subscriptions', 'customer.subscription', [
    'created',
    'updated',
    'deleted',
    'paused',
    'resumed',
    'pending_update_applied',
    'pending_update_expired',
    'trial_will_end',
  ]),
  ...apply('invoices', 'invoice', [
    'created',
    'finalized',
    'finalization_failed',
    'marked_uncollectible',
    'overdue',
    'overpaid',
    'paid',
    'payment_action_required',
    'payment_failed',
    'payment_succeeded',
    'sent',
    'updated',
    'voided',
    'will_be_due',
  ]),
  ...del('invoices', 'invoice.deleted'),
  ...apply('invoice_items', 'invoiceitem', ['created', 'updated']),
  ...del('invoice_items', 'invoiceitem.deleted'),
  ...apply('payment_intents', 'payment_intent', [
    'amount_capturable_updated',
    'canceled',
    'created',
    'partially_funded',
    'payment_failed',
    'processing',
    'requires_action',
    'succeeded',
  ]),
  ...apply('charges', 'charge', [
    'captured',
    'expired',
    'failed',
    'pending',
    'refunded',
    'succeeded',
    'updated',
  ]),
  ...apply('disputes', 'charge.dispute', [
    'created',
    'updated',
    'closed',
    'funds_reinstated',
    'funds_withdrawn',
  ]),
  ...apply('refunds', 'charge.refund', ['updated']),
  ...apply('refunds', 'refund', ['created', 'updated', 'failed']),
  ...apply('payment_methods', 'payment_method', ['attached', 'updated', 'automatically_updated', 'detached']),
  ...apply('payouts', 'payout', [
    'canceled',
    'created',
    'failed',
    'paid',
    'reconciliation_completed',
    'updated',
  ]),
  ...apply('credit_notes', 'credit_note', ['created', 'updated', 'voided']),
  // Previews and objects the connector does not keep: recorded, nothing to apply.
  ...ignore('a preview, not a stored invoice', ['invoice.upcoming']),
  ...ignore('discounts are read from the subscription and invoice they apply to', [
    'customer.discount.created',
    'customer.discount.updated',
    'customer.discount.deleted',
  ]),
};

export const FALLBACK: EventAction = { kind: 'ignore', reason: 'event type not read by the connector' };

export function actionFor(type: string): EventAction {
  return Object.hasOwn(EVENT_ACTIONS, type) ? EVENT_ACTIONS[type]! : FALLBACK;
}
