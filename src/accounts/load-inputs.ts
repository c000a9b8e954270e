// Loads, for a batch of accounts at once, everything the billing rules need from the stored
// stripe_* rows: one query per family for the whole batch (set-based), joined through the
// account ↔ customer links, so a full recompute costs a dozen queries per thousand accounts.

import type {
  BillingCharge,
  BillingDispute,
  BillingInvoice,
  BillingPaymentMethod,
  BillingSubscription,
} from '../billing/types.ts';
import type { Queryable } from '../db/client.ts';
import {
  chargeInvoiceId,
  customerDefaultPaymentMethodId,
  discountCoupon,
  idOf,
  invoicePaymentIntentId,
  isObject,
  linePriceId,
  num,
  str,
  subscriptionDiscounts,
} from '../stripe/readers.ts';
import {
  type CatalogLookup,
  toBillingCharge,
  toBillingDispute,
  toBillingInvoice,
  toBillingPaymentMethod,
  toBillingSubscription,
} from './to-billing.ts';

type Obj = Record<string, unknown>;

export interface AccountInputs {
  accountId: string;
  /** the connector of the account's first linked customer (null when none is linked) */
  connectorId: string | null;
  customerIds: string[];
  customers: Obj[];
  subscriptions: BillingSubscription[];
  rawSubscriptions: Obj[];
  invoices: BillingInvoice[];
  rawInvoices: Obj[];
  /** invoice id → its line items (for the MRR history) */
  lines: Map<string, Obj[]>;
  charges: BillingCharge[];
  rawCharges: Obj[];
  disputes: BillingDispute[];
  paymentMethods: BillingPaymentMethod[];
  /** subscription id → time (s) of the latest customer.subscription.* event, if any */
  subscriptionChangedAt: Map<string, number>;
  catalog: CatalogLookup;
}

interface LinkedRow {
  account_id: string;
  connector_id: string;
  data: Obj;
  deleted: boolean;
}

async function linked(q: Queryable, table: string, accountIds: string[], extra = ''): Promise<LinkedRow[]> {
  const { rows } = await q.query<LinkedRow>(
    `SELECT l.account_id, t.connector_id, t.data, t.deleted FROM account_customers l
     JOIN ${table} t ON t.connector_id = l.connector_id AND t.customer_id = l.customer_id
     WHERE l.account_id = ANY($1::text[]) ${extra}`,
    [accountIds],
  );
  return rows;
}

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

async function byIds(q: Queryable, table: string, ids: Set<string>): Promise<Map<string, Obj>> {
  if (ids.size === 0) return new Map();
  const { rows } = await q.query<{ id: string; data: Obj }>(
    `SELECT id, data FROM ${table} WHERE id = ANY($1::text[]) AND NOT deleted`,
    [[...ids]],
  );
  return new Map(rows.map((r) => [r.id, r.data]));
}

function inlineList(value: unknown): { data: Obj[]; complete: boolean } | null {
  if (!isObject(value) || !Array.isArray(value.data)) return null;
  return { data: value.data.filter(isObject), complete: value.has_more !== true };
}

/** A deleted subscription row is an ended one (the customer.subscription.deleted event). */
function asStored(row: LinkedRow): Obj {
  if (!row.deleted || ['canceled', 'incomplete_expired'].includes(String(row.data.status))) return row.data;
  return { ...row.data, status: 'canceled', ended_at: num(row.data.ended_at) ?? num(row.data.canceled_at) };
}

export async function loadAccountInputs(
  q: Queryable,
  accountIds: string[],
): Promise<Map<string, AccountInputs>> {
  const { rows: links } = await q.query<{ account_id: string; connector_id: string; customer_id: string }>(
    `SELECT account_id, connector_id, customer_id FROM account_customers WHERE account_id = ANY($1::text[])
     ORDER BY created_at, customer_id`,
    [accountIds],
  );
  // Sequential on purpose: inside a transaction there is one connection (pg warns on overlap).
  const customers = await linked(q, 'stripe_customers', accountIds, 'AND NOT t.deleted');
  const subs = await linked(q, 'stripe_subscriptions', accountIds);
  const invoices = await linked(q, 'stripe_invoices', accountIds, 'AND NOT t.deleted');
  const charges = await linked(q, 'stripe_charges', accountIds, 'AND NOT t.deleted');
  const pms = await linked(q, 'stripe_payment_methods', accountIds, 'AND NOT t.deleted');
  const pis = await linked(q, 'stripe_payment_intents', accountIds, 'AND NOT t.deleted');
  // disputes name no customer: reach them through their charge
  const { rows: disputes } = await q.query<LinkedRow>(
    `SELECT l.account_id, d.connector_id, d.data, d.deleted FROM account_customers l
     JOIN stripe_charges c ON c.connector_id = l.connector_id AND c.customer_id = l.customer_id
     JOIN stripe_disputes d ON d.connector_id = c.connector_id AND d.charge_id = c.id
     WHERE l.account_id = ANY($1::text[]) AND NOT d.deleted`,
    [accountIds],
  );

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
  for (const s of subs) {
    const items = inlineList(s.data.items);
    if (!items?.complete) itemsFromTable.add(String(s.data.id));
    for (const i of items?.data ?? []) {
      notePrice(i.price ?? i.plan);
      noteDiscounts(i.discounts);
    }
    noteDiscounts(subscriptionDiscounts(s.data));
  }
  for (const inv of invoices) {
    const lines = inlineList(inv.data.lines);
    if (!lines?.complete) linesFromTable.add(String(inv.data.id));
    for (const l of lines?.data ?? []) {
      const p = linePriceId(l);
      if (p) priceIds.add(p);
    }
  }
  const itemRows = itemsFromTable.size
    ? await q.query<{ subscription_id: string; data: Obj }>(
        `SELECT subscription_id, data FROM stripe_subscription_items
           WHERE subscription_id = ANY($1::text[]) AND NOT deleted`,
        [[...itemsFromTable]],
      )
    : { rows: [] };
  const lineRows = linesFromTable.size
    ? await q.query<{ invoice_id: string; data: Obj }>(
        `SELECT invoice_id, data FROM stripe_invoice_line_items WHERE invoice_id = ANY($1::text[]) AND NOT deleted`,
        [[...linesFromTable]],
      )
    : { rows: [] };
  for (const r of itemRows.rows) notePrice(r.data.price ?? r.data.plan);
  for (const r of lineRows.rows) {
    const p = linePriceId(r.data);
    if (p) priceIds.add(p);
  }
  const prices = await byIds(q, 'stripe_prices', priceIds);
  const coupons = await byIds(q, 'stripe_coupons', couponIds);
  const products = await byIds(q, 'stripe_products', productIds);
  const catalog: CatalogLookup = {
    prices,
    coupons,
    productNames: new Map([...products].map(([id, p]) => [id, str(p.name) ?? id])),
  };

  // Event-derived times: first payment failure per invoice, dispute closing, latest subscription change.
  const eventObjectIds = [
    ...invoices.map((r) => String(r.data.id)),
    ...disputes.map((r) => String(r.data.id)),
    ...subs.map((r) => String(r.data.id)),
  ];
  const { rows: eventTimes } = eventObjectIds.length
    ? await q.query<{ object_id: string; type: string; first: number; last: number }>(
        `SELECT object_id, type, min(created) AS first, max(created) AS last FROM stripe_events
         WHERE object_id = ANY($1::text[])
           AND (type IN ('invoice.payment_failed', 'charge.dispute.closed') OR type LIKE 'customer.subscription.%')
         GROUP BY object_id, type`,
        [eventObjectIds],
      )
    : { rows: [] };
  const firstFailed = new Map<string, number>();
  const disputeClosed = new Map<string, number>();
  const subChanged = new Map<string, number>();
  for (const e of eventTimes) {
    if (e.type === 'invoice.payment_failed') firstFailed.set(e.object_id, e.first);
    else if (e.type === 'charge.dispute.closed') disputeClosed.set(e.object_id, e.last);
    else subChanged.set(e.object_id, Math.max(subChanged.get(e.object_id) ?? 0, e.last));
  }

  const itemsBySub = group(itemRows.rows, (r) => r.subscription_id);
  const linesByInvoice = group(lineRows.rows, (r) => r.invoice_id);
  const byAccount = <T extends { account_id: string }>(rows: T[]) => group(rows, (r) => r.account_id);
  const g = {
    links: byAccount(links),
    customers: byAccount(customers),
    subs: byAccount(subs),
    invoices: byAccount(invoices),
    charges: byAccount(charges),
    pms: byAccount(pms),
    pis: byAccount(pis),
    disputes: byAccount(disputes),
  };

  const out = new Map<string, AccountInputs>();
  for (const accountId of accountIds) {
    const rawSubs = (g.subs.get(accountId) ?? []).map(asStored);
    const rawInvoices = (g.invoices.get(accountId) ?? []).map((r) => r.data);
    const rawCharges = (g.charges.get(accountId) ?? []).map((r) => r.data);
    const custs = (g.customers.get(accountId) ?? []).map((r) => r.data);
    // charge → invoice: the charge names it (old versions), else through its payment intent
    const invoiceOfPi = new Map<string, string>();
    for (const inv of rawInvoices) {
      const pi = invoicePaymentIntentId(inv);
      if (pi) invoiceOfPi.set(pi, String(inv.id));
    }
    for (const pi of g.pis.get(accountId) ?? []) {
      const inv = idOf(pi.data.invoice);
      if (inv) invoiceOfPi.set(String(pi.data.id), inv);
    }
    const defaults = new Set(
      custs.map(customerDefaultPaymentMethodId).filter((x): x is string => x !== null),
    );
    const lines = new Map<string, Obj[]>();
    for (const inv of rawInvoices) {
      const id = String(inv.id);
      lines.set(id, linesByInvoice.get(id)?.map((r) => r.data) ?? inlineList(inv.lines)?.data ?? []);
    }
    out.set(accountId, {
      accountId,
      connectorId: g.links.get(accountId)?.[0]?.connector_id ?? null,
      customerIds: (g.links.get(accountId) ?? []).map((l) => l.customer_id),
      customers: custs,
      rawSubscriptions: rawSubs,
      subscriptions: rawSubs.map((s) => {
        const inline = inlineList(s.items);
        const items = itemsBySub.get(String(s.id))?.map((r) => r.data) ?? inline?.data ?? [];
        return toBillingSubscription(s, items, catalog);
      }),
      rawInvoices,
      invoices: rawInvoices.map((inv) => toBillingInvoice(inv, firstFailed.get(String(inv.id)) ?? null)),
      lines,
      rawCharges,
      charges: rawCharges.map((c) =>
        toBillingCharge(c, chargeInvoiceId(c) ?? invoiceOfPi.get(idOf(c.payment_intent) ?? '') ?? null),
      ),
      disputes: (g.disputes.get(accountId) ?? []).map((r) =>
        toBillingDispute(r.data, disputeClosed.get(String(r.data.id)) ?? null),
      ),
      paymentMethods: (g.pms.get(accountId) ?? []).map((r) => {
        const id = String(r.data.id);
        return toBillingPaymentMethod(r.data, defaults.has(id) ? id : null);
      }),
      subscriptionChangedAt: new Map(rawSubs.map((s) => [String(s.id), subChanged.get(String(s.id)) ?? 0])),
      catalog,
    });
  }
  return out;
}
