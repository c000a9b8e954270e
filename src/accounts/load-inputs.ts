// Loads, for a batch of accounts at once, everything the billing rules need from the stored
// stripe_* rows: a dozen set-based queries for the whole batch (load-rows.ts), whatever its size.
// Charges, payment methods and disputes become billing inputs straight from typed columns;
// subscriptions and invoices keep the fields the MRR history reads, in their Stripe shape, so the
// version-tolerant readers (src/stripe/readers.ts) still apply.

import type {
  BillingCharge,
  BillingDispute,
  BillingInvoice,
  BillingPaymentMethod,
  BillingSubscription,
  DisputeStatus,
} from '../billing/types.ts';
import type { Queryable } from '../db/client.ts';
import {
  customerDefaultPaymentMethodId,
  discountCoupon,
  idOf,
  invoicePaymentIntentId,
  isObject,
  linePriceId,
  str,
  subscriptionDiscounts,
} from '../stripe/readers.ts';
import { type InvoiceRow, loadByIds, loadLinkedRows, type SubscriptionRow } from './load-rows.ts';
import { type CatalogLookup, toBillingInvoice, toBillingSubscription } from './to-billing.ts';

type Obj = Record<string, unknown>;

export interface AccountInputs {
  accountId: string;
  /** the connector of the account's first linked customer (null when none is linked) */
  connectorId: string | null;
  customerIds: string[];
  /** id, email, name and default payment method of each linked customer */
  customers: Obj[];
  subscriptions: BillingSubscription[];
  /** the subscriptions' fields the history reads, in Stripe's shape (same order as subscriptions) */
  rawSubscriptions: Obj[];
  invoices: BillingInvoice[];
  /** id, status and subscription of each invoice, in Stripe's shape */
  rawInvoices: Obj[];
  /** invoice id → its line items (for the MRR history; only open, paid and uncollectible invoices) */
  lines: Map<string, Obj[]>;
  charges: BillingCharge[];
  disputes: BillingDispute[];
  paymentMethods: BillingPaymentMethod[];
  /** subscription id → time (s) of the latest customer.subscription.* event, if any */
  subscriptionChangedAt: Map<string, number>;
  catalog: CatalogLookup;
}

const numOrNull = (v: string | number | null): number | null => (v === null ? null : Number(v));

function group<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

function inlineList(value: unknown): { data: Obj[]; complete: boolean } | null {
  if (!isObject(value) || !Array.isArray(value.data)) return null;
  return { data: value.data.filter(isObject), complete: value.has_more !== true };
}

/** The subscription in Stripe's shape; a deleted row is an ended one (customer.subscription.deleted). */
function subscriptionObject(r: SubscriptionRow): Obj {
  const canceledAt = numOrNull(r.canceled_at);
  const ended = r.deleted && !['canceled', 'incomplete_expired'].includes(String(r.status));
  return {
    id: r.id,
    object: 'subscription',
    customer: r.customer_id,
    status: ended ? 'canceled' : r.status,
    currency: r.currency,
    collection_method: r.collection_method,
    cancel_at_period_end: r.cancel_at_period_end,
    cancel_at: r.cancel_at,
    canceled_at: canceledAt,
    ended_at: ended ? (r.ended_at ?? canceledAt) : r.ended_at,
    pause_collection: r.pause_collection,
    trial_start: numOrNull(r.trial_start),
    trial_end: r.trial_end,
    start_date: numOrNull(r.start_date),
    created: r.created,
    current_period_start: numOrNull(r.current_period_start),
    current_period_end: numOrNull(r.current_period_end),
    items: r.items,
    discounts: r.discounts,
    discount: r.discount,
  };
}

function invoiceObject(r: InvoiceRow): Obj {
  return {
    id: r.id,
    object: 'invoice',
    customer: r.customer_id,
    status: r.status,
    currency: r.currency,
    created: r.created,
    subscription: r.subscription_id,
    amount_due: r.amount_due,
    amount_remaining: r.amount_remaining,
    attempt_count: r.attempt_count,
    next_payment_attempt: r.next_payment_attempt,
    due_date: r.due_date,
    collection_method: r.collection_method,
    status_transitions: { paid_at: numOrNull(r.paid_at) },
    payments: r.payments,
    payment_intent: r.payment_intent,
  };
}

export async function loadAccountInputs(
  q: Queryable,
  accountIds: string[],
): Promise<Map<string, AccountInputs>> {
  const rows = await loadLinkedRows(q, accountIds);

  // Nested lists past the inline page, and catalog objects named only by id.
  const itemsFromTable = new Set<string>();
  const linesFromTable = new Set<string>();
  const priceIds = new Set<string>();
  const couponIds = new Set<string>();
  const productIds = new Set<string>();
  const notePrice = (p: unknown) => {
    const id = idOf(p);
    if (!id) return;
    if (!isObject(p) || (p.billing_scheme === 'tiered' && p.tiers === undefined)) priceIds.add(id);
    const product = isObject(p) ? p.product : null;
    if (typeof product === 'string') productIds.add(product);
  };
  const noteDiscounts = (list: unknown) => {
    for (const d of Array.isArray(list) ? list.filter(isObject) : []) {
      const c = discountCoupon(d);
      if (typeof c === 'string') couponIds.add(c);
    }
  };
  const rawSubs = rows.subscriptions.map((r) => ({ accountId: r.account_id, data: subscriptionObject(r) }));
  for (const { data } of rawSubs) {
    const items = inlineList(data.items);
    if (!items?.complete) itemsFromTable.add(String(data.id));
    for (const i of items?.data ?? []) {
      notePrice(i.price ?? i.plan);
      noteDiscounts(i.discounts);
    }
    noteDiscounts(subscriptionDiscounts(data));
  }
  for (const inv of rows.invoices) {
    if (inv.lines === null) continue;
    const lines = inlineList(inv.lines);
    if (!lines?.complete) linesFromTable.add(inv.id);
    for (const l of lines?.data ?? []) {
      const p = linePriceId(l);
      if (p) priceIds.add(p);
    }
  }
  const itemRows = await loadByIds(
    q,
    'SELECT subscription_id AS key, data FROM stripe_subscription_items WHERE subscription_id = ANY($1::text[]) AND NOT deleted',
    itemsFromTable,
  );
  const lineRows = await loadByIds(
    q,
    'SELECT invoice_id AS key, data FROM stripe_invoice_line_items WHERE invoice_id = ANY($1::text[]) AND NOT deleted',
    linesFromTable,
  );
  for (const r of itemRows) notePrice(r.data.price ?? r.data.plan);
  for (const r of lineRows) {
    const p = linePriceId(r.data);
    if (p) priceIds.add(p);
  }
  const byId = async (table: string, ids: Set<string>) =>
    new Map(
      (
        await loadByIds(
          q,
          `SELECT id AS key, data FROM ${table} WHERE id = ANY($1::text[]) AND NOT deleted`,
          ids,
        )
      ).map((r) => [r.key, r.data]),
    );
  const prices = await byId('stripe_prices', priceIds);
  const coupons = await byId('stripe_coupons', couponIds);
  const { rows: products } = productIds.size
    ? await q.query<{ id: string; name: string | null }>(
        'SELECT id, name FROM stripe_products WHERE id = ANY($1::text[]) AND NOT deleted',
        [[...productIds]],
      )
    : { rows: [] };
  const catalog: CatalogLookup = {
    prices,
    coupons,
    productNames: new Map(products.map((p) => [p.id, p.name ?? p.id])),
  };

  const firstFailed = new Map<string, number>();
  const disputeClosed = new Map<string, number>();
  const subChanged = new Map<string, number>();
  for (const e of rows.eventTimes) {
    if (e.type === 'invoice.payment_failed') firstFailed.set(e.object_id, e.first);
    else if (e.type === 'charge.dispute.closed') disputeClosed.set(e.object_id, e.last);
    else subChanged.set(e.object_id, Math.max(subChanged.get(e.object_id) ?? 0, e.last));
  }

  const itemsBySub = group(itemRows, (r) => r.key);
  const linesByInvoice = group(lineRows, (r) => r.key);
  const byAccount = <T extends { account_id: string }>(list: T[]) => group(list, (r) => r.account_id);
  const g = {
    links: byAccount(rows.links),
    customers: byAccount(rows.customers),
    subs: group(rawSubs, (r) => r.accountId),
    invoices: byAccount(rows.invoices),
    charges: byAccount(rows.charges),
    pms: byAccount(rows.paymentMethods),
    pis: byAccount(rows.paymentIntents),
    disputes: byAccount(rows.disputes),
  };

  const out = new Map<string, AccountInputs>();
  for (const accountId of accountIds) {
    const subs = (g.subs.get(accountId) ?? []).map((r) => r.data);
    const invoiceRows = g.invoices.get(accountId) ?? [];
    const rawInvoices = invoiceRows.map(invoiceObject);
    const custs: Obj[] = (g.customers.get(accountId) ?? []).map((c) => ({
      id: c.id,
      object: 'customer',
      email: c.email,
      name: c.name,
      invoice_settings: { default_payment_method: c.default_pm },
      default_source: c.default_source,
    }));
    // charge → invoice: the charge names it (old versions), else through its payment intent
    const invoiceOfPi = new Map<string, string>();
    for (const inv of rawInvoices) {
      const pi = invoicePaymentIntentId(inv);
      if (pi) invoiceOfPi.set(pi, String(inv.id));
    }
    for (const pi of g.pis.get(accountId) ?? []) invoiceOfPi.set(pi.id, pi.invoice_id);
    const defaults = new Set(
      custs.map(customerDefaultPaymentMethodId).filter((x): x is string => x !== null),
    );
    const lines = new Map<string, Obj[]>();
    for (const inv of invoiceRows) {
      if (inv.lines === null) continue;
      lines.set(inv.id, linesByInvoice.get(inv.id)?.map((r) => r.data) ?? inlineList(inv.lines)?.data ?? []);
    }
    out.set(accountId, {
      accountId,
      connectorId: g.links.get(accountId)?.[0]?.connector_id ?? null,
      customerIds: (g.links.get(accountId) ?? []).map((l) => l.customer_id),
      customers: custs,
      rawSubscriptions: subs,
      subscriptions: subs.map((s) => {
        const items = itemsBySub.get(String(s.id))?.map((r) => r.data) ?? inlineList(s.items)?.data ?? [];
        return toBillingSubscription(s, items, catalog);
      }),
      rawInvoices,
      invoices: rawInvoices.map((inv) => toBillingInvoice(inv, firstFailed.get(String(inv.id)) ?? null)),
      lines,
      charges: (g.charges.get(accountId) ?? []).map((c) => ({
        id: c.id,
        status: c.status === 'succeeded' || c.status === 'failed' ? c.status : 'pending',
        created: c.created ?? 0,
        failureCode: c.failure_code,
        failureMessage: c.failure_message,
        outcomeReason: c.outcome_reason,
        invoiceId:
          c.invoice_id ?? (c.payment_intent_id ? (invoiceOfPi.get(c.payment_intent_id) ?? null) : null),
        amount: c.amount ?? 0,
        currency: (c.currency ?? 'usd').toLowerCase(),
      })),
      disputes: (g.disputes.get(accountId) ?? []).map((d) => ({
        id: d.id,
        status: (d.status ?? 'needs_response') as DisputeStatus,
        created: d.created ?? 0,
        dueBy: d.due_by,
        amount: d.amount ?? 0,
        currency: (d.currency ?? 'usd').toLowerCase(),
        closedAt: disputeClosed.get(d.id) ?? null,
        reason: str(d.reason),
        chargeId: d.charge_id,
      })),
      paymentMethods: (g.pms.get(accountId) ?? []).map((pm) => ({
        id: pm.id,
        brand: pm.card_brand,
        last4: pm.card_last4,
        expMonth: pm.card_exp_month,
        expYear: pm.card_exp_year,
        isDefault: defaults.has(pm.id),
      })),
      subscriptionChangedAt: new Map(subs.map((s) => [String(s.id), subChanged.get(String(s.id)) ?? 0])),
      catalog,
    });
  }
  return out;
}
