// The subscription state machine: create, renew at period end, trials, cancellation, and the
// status changes that follow invoice payments (past_due → unpaid/canceled, recovery to active).
import { invalid } from '../http/errors.ts';
import { addInterval, newDiscount } from '../objects/catalog.ts';
import { itemsList, newSubscription, newSubscriptionItem } from '../objects/subscription.ts';
import type { Invoice, Metadata, Price, Subscription, SubscriptionItem } from '../objects/wire.ts';
import { createInvoice, finalizeInvoice, markUncollectible, voidInvoice } from './invoices.ts';
import { attemptInvoice, MAX_ATTEMPTS } from './pay.ts';
import { changed, type SandboxState } from './state.ts';

const HOUR = 3600;
const DAY = 86400;

export type NewSubscriptionParams = {
  customer: string;
  items: { price: Price; quantity: number; metadata?: Metadata }[];
  defaultPaymentMethod: string | null;
  trialEnd: number | null;
  coupon: string | null;
  collectionMethod: 'charge_automatically' | 'send_invoice';
  daysUntilDue: number | null;
  cancelAtPeriodEnd: boolean;
  cancelAt: number | null;
  metadata: Metadata;
  description: string | null;
};

export function createSubscription(s: SandboxState, p: NewSubscriptionParams): Subscription {
  const first = p.items[0]!.price;
  if (!first.recurring)
    throw invalid(
      'The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.',
      'items[0][price]',
    );
  for (const [i, it] of p.items.entries()) {
    const r = it.price.recurring;
    if (
      !r ||
      r.interval !== first.recurring.interval ||
      r.interval_count !== first.recurring.interval_count
    ) {
      throw invalid(
        'Currency and interval fields must match across all plans on this subscription.',
        `items[${i}][price]`,
      );
    }
    if (it.price.currency !== first.currency)
      throw invalid(
        'Currency and interval fields must match across all plans on this subscription.',
        `items[${i}][price]`,
      );
  }
  const id = s.newId('sub_');
  const trial = p.trialEnd !== null && p.trialEnd > s.now;
  const anchor = trial ? p.trialEnd! : s.now;
  const periodEnd = trial
    ? anchor
    : addInterval(anchor, first.recurring.interval, first.recurring.interval_count);
  const items = p.items.map((it) => {
    const item = newSubscriptionItem({
      id: s.newId('si_'),
      created: s.now,
      subscription: id,
      price: it.price,
      quantity: it.quantity,
      periodStart: s.now,
      periodEnd,
      metadata: it.metadata,
    });
    s.store.subscription_items.insert(item);
    return item;
  });
  const sub = newSubscription({
    id,
    created: s.now,
    customer: p.customer,
    currency: first.currency,
    items,
    status: trial ? 'trialing' : 'incomplete',
    collectionMethod: p.collectionMethod,
    daysUntilDue: p.collectionMethod === 'send_invoice' ? (p.daysUntilDue ?? 30) : null,
    defaultPaymentMethod: p.defaultPaymentMethod,
    trialStart: trial ? s.now : null,
    trialEnd: trial ? p.trialEnd : null,
    billingCycleAnchor: anchor,
    cancelAtPeriodEnd: p.cancelAtPeriodEnd,
    cancelAt: p.cancelAt,
    description: p.description,
    metadata: p.metadata,
  });
  if (p.coupon) {
    const coupon = s.store.coupons.get(p.coupon)!;
    sub.discounts = [
      newDiscount({ id: s.newId('di_'), coupon, customer: p.customer, subscription: id, start: s.now }),
    ];
    coupon.times_redeemed += 1;
    s.store.coupons.touch(coupon.id);
  }
  s.store.subscriptionItems.set(id, items);
  s.store.periodIndex.set(id, trial ? -1 : 0);
  s.store.subscriptions.insert(sub);
  changed(s, 'customer.subscription.created', s.store.subscriptions, id);

  const invoice = createInvoice(s, {
    customerId: p.customer,
    currency: sub.currency,
    subscription: sub,
    billingReason: 'subscription_create',
    collectionMethod: p.collectionMethod,
    daysUntilDue: sub.days_until_due,
    periodStart: s.now,
    periodEnd: s.now,
    includePendingItems: !trial,
  });
  sub.latest_invoice = invoice.id;
  s.store.subscriptions.touch(id);
  finalizeInvoice(s, invoice);
  if (invoice.status === 'open') {
    if (p.collectionMethod === 'charge_automatically') attemptInvoice(s, invoice, { manual: false });
    else setStatus(s, sub, 'active');
  } else if (sub.status === 'incomplete') {
    setStatus(s, sub, 'active');
  }
  if (sub.status === 'incomplete') {
    s.scheduler.at(s.now + 23 * HOUR, () => expireIncomplete(s, id));
  }
  if (trial && p.trialEnd! - 3 * DAY > s.now) scheduleTrialWillEnd(s, sub);
  scheduleRenewal(s, sub);
  if (sub.cancel_at) scheduleCancelAt(s, sub);
  return sub;
}

export function periodEndOf(s: SandboxState, sub: Subscription): number {
  return (s.store.subscriptionItems.get(sub.id) ?? [])[0]?.current_period_end ?? sub.billing_cycle_anchor;
}

export function scheduleRenewal(s: SandboxState, sub: Subscription): void {
  const end = periodEndOf(s, sub);
  s.scheduler.at(end, () => renew(s, sub.id, end));
}

export function scheduleTrialWillEnd(s: SandboxState, sub: Subscription): void {
  const trialEnd = sub.trial_end!;
  s.scheduler.at(trialEnd - 3 * DAY, () => {
    const cur = s.store.subscriptions.get(sub.id);
    if (cur && cur.status === 'trialing' && cur.trial_end === trialEnd) {
      changed(s, 'customer.subscription.trial_will_end', s.store.subscriptions, sub.id);
    }
  });
}

export function scheduleCancelAt(s: SandboxState, sub: Subscription): void {
  const at = sub.cancel_at!;
  s.scheduler.at(Math.max(at, s.now), () => {
    const cur = s.store.subscriptions.get(sub.id);
    if (cur && cur.cancel_at === at && isLive(cur)) cancelSubscription(s, cur, 'cancellation_requested');
  });
}

function isLive(sub: Subscription): boolean {
  return sub.status !== 'canceled' && sub.status !== 'incomplete_expired';
}

function renew(s: SandboxState, subId: string, expectedEnd: number): void {
  const sub = s.store.subscriptions.get(subId);
  if (!sub || !isLive(sub) || sub.status === 'incomplete' || periodEndOf(s, sub) !== expectedEnd) return;
  if (sub.cancel_at_period_end || (sub.cancel_at !== null && sub.cancel_at <= expectedEnd)) {
    cancelSubscription(s, sub, 'cancellation_requested');
    return;
  }
  const items = s.store.subscriptionItems.get(subId)!;
  const r = items[0]!.price.recurring!;
  const k = (s.store.periodIndex.get(subId) ?? 0) + 1;
  s.store.periodIndex.set(subId, k);
  const start = expectedEnd;
  const end = addInterval(sub.billing_cycle_anchor, r.interval, r.interval_count * (k + 1));
  const prevItems = items.map((it) => ({
    id: it.id,
    current_period_start: it.current_period_start,
    current_period_end: it.current_period_end,
  }));
  for (const it of items) {
    it.current_period_start = start;
    it.current_period_end = end;
    s.store.subscription_items.touch(it.id);
  }
  sub.items = itemsList(subId, items);
  const prev: Record<string, unknown> = { items: { data: prevItems }, latest_invoice: sub.latest_invoice };
  if (sub.status === 'trialing') {
    prev['status'] = 'trialing';
    sub.status = 'active';
  }
  if (sub.pause_collection?.resumes_at && sub.pause_collection.resumes_at <= s.now) {
    prev['pause_collection'] = sub.pause_collection;
    sub.pause_collection = null;
  }
  const invoice = createInvoice(s, {
    customerId: sub.customer as string,
    currency: sub.currency,
    subscription: sub,
    billingReason: 'subscription_cycle',
    collectionMethod: sub.collection_method,
    daysUntilDue: sub.days_until_due,
    periodStart: start,
    periodEnd: start,
    includePendingItems: true,
  });
  sub.latest_invoice = invoice.id;
  changed(s, 'customer.subscription.updated', s.store.subscriptions, subId, prev);
  scheduleRenewal(s, sub);
  if (sub.status === 'unpaid') {
    // Stripe keeps billing unpaid subscriptions but leaves the new invoices as drafts.
    invoice.auto_advance = false;
    s.store.invoices.touch(invoice.id);
    return;
  }
  const pause = sub.pause_collection?.behavior;
  if (pause === 'keep_as_draft') return;
  finalizeInvoice(s, invoice);
  if (invoice.status !== 'open') return;
  if (pause === 'void') voidInvoice(s, invoice);
  else if (pause === 'mark_uncollectible') markUncollectible(s, invoice);
  else if (sub.collection_method === 'charge_automatically') attemptInvoice(s, invoice, { manual: false });
}

function expireIncomplete(s: SandboxState, subId: string): void {
  const sub = s.store.subscriptions.get(subId);
  if (sub?.status !== 'incomplete') return;
  const inv = sub.latest_invoice ? s.store.invoices.get(sub.latest_invoice as string) : undefined;
  if (inv && inv.status === 'open') voidInvoice(s, inv);
  sub.ended_at = s.now;
  setStatus(s, sub, 'incomplete_expired');
}

export function setStatus(s: SandboxState, sub: Subscription, status: Subscription['status']): void {
  if (sub.status === status) return;
  const prev = { status: sub.status };
  sub.status = status;
  changed(s, 'customer.subscription.updated', s.store.subscriptions, sub.id, prev);
}

export function cancelSubscription(
  s: SandboxState,
  sub: Subscription,
  reason: 'cancellation_requested' | 'payment_failed' | 'payment_disputed',
): void {
  if (!isLive(sub)) return; // cancelling a canceled subscription is a no-op, not an error
  sub.status = 'canceled';
  sub.canceled_at = sub.canceled_at ?? s.now;
  sub.ended_at = s.now;
  sub.cancellation_details = { ...sub.cancellation_details!, reason };
  changed(s, 'customer.subscription.deleted', s.store.subscriptions, sub.id);
}

function subscriptionOf(s: SandboxState, invoice: Invoice): Subscription | undefined {
  const id = invoice.parent?.subscription_details?.subscription as string | undefined;
  return id ? s.store.subscriptions.get(id) : undefined;
}

export function onInvoicePaid(s: SandboxState, invoice: Invoice): void {
  const sub = subscriptionOf(s, invoice);
  if (!sub || sub.latest_invoice !== invoice.id) return;
  if (sub.status === 'past_due' || sub.status === 'unpaid' || sub.status === 'incomplete')
    setStatus(s, sub, 'active');
}

export function onInvoiceFailed(s: SandboxState, invoice: Invoice): void {
  const sub = subscriptionOf(s, invoice);
  if (!sub || sub.latest_invoice !== invoice.id) return;
  if (sub.status === 'active' || sub.status === 'trialing') setStatus(s, sub, 'past_due');
  const exhausted = invoice.next_payment_attempt === null && invoice.attempt_count >= MAX_ATTEMPTS;
  if (exhausted && sub.status === 'past_due') {
    if (s.failedPaymentAction === 'canceled') cancelSubscription(s, sub, 'payment_failed');
    else setStatus(s, sub, 'unpaid');
  }
}

export type ItemsUpdate = { id?: string; price?: Price; quantity?: number; deleted?: boolean }[];

/** Replaces prices/quantities on items (no proration: the next invoice uses the new items). */
export function updateItems(s: SandboxState, sub: Subscription, updates: ItemsUpdate): void {
  let items = [...(s.store.subscriptionItems.get(sub.id) ?? [])];
  const first = items[0];
  for (const u of updates) {
    const existing = u.id ? items.find((it) => it.id === u.id) : undefined;
    if (u.id && !existing) throw invalid(`No such subscription item: '${u.id}'`, 'items');
    if (existing && u.deleted) {
      items = items.filter((it) => it !== existing);
      s.store.subscription_items.remove(existing.id);
      continue;
    }
    if (existing) {
      if (u.price) {
        existing.price = u.price;
        existing.plan = { ...existing.plan, id: u.price.id };
      }
      if (u.quantity !== undefined) existing.quantity = u.quantity;
      s.store.subscription_items.touch(existing.id);
    } else if (u.price) {
      const item: SubscriptionItem = newSubscriptionItem({
        id: s.newId('si_'),
        created: s.now,
        subscription: sub.id,
        price: u.price,
        quantity: u.quantity ?? 1,
        periodStart: first?.current_period_start ?? s.now,
        periodEnd: first?.current_period_end ?? s.now,
      });
      s.store.subscription_items.insert(item);
      items.push(item);
    }
  }
  s.store.subscriptionItems.set(sub.id, items);
  sub.items = itemsList(sub.id, items);
}
