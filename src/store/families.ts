import {
  bool,
  chargeInvoiceId,
  idOf,
  invoiceSubscriptionId,
  isObject,
  linePriceId,
  lineSubscriptionId,
  num,
  paymentIntentInvoiceId,
  type StripeObject,
  str,
} from '../stripe/readers.ts';

/**
 * The object families the connector reads (stripe-facts.md, "Objects the connector reads"): where
 * each is listed, which Stripe `object` strings belong to it, and the typed key columns kept beside
 * the redacted jsonb. Adding a family is one entry here plus its table in a migration.
 */

export type Family =
  | 'customers'
  | 'products'
  | 'prices'
  | 'coupons'
  | 'subscriptions'
  | 'subscription_items'
  | 'invoices'
  | 'invoice_line_items'
  | 'invoice_items'
  | 'payment_intents'
  | 'charges'
  | 'payment_methods'
  | 'refunds'
  | 'disputes'
  | 'payouts'
  | 'balance_transactions'
  | 'credit_notes'
  | 'events';

type Obj = Record<string, unknown>;
type ColumnValue = string | number | boolean | null;

export interface FamilySpec {
  family: Family;
  table: string;
  /** Stripe `object` values stored in this family. */
  objectTypes: string[];
  /** Top-level list endpoint; absent for families listed only through a parent. */
  listPath?: string;
  /** Extra list parameters (subscriptions hide canceled ones without `status=all`). */
  listParams?: Record<string, string>;
  /** Nested lists that arrive inline (capped at 10) and must be paged from their own endpoint. */
  nested?: { field: string; family: Family; path: (parentId: string) => string }[];
  /** Family-specific key columns (beyond the common ones) and how to read them. */
  columns: Record<string, (o: Obj) => ColumnValue>;
  /** Common `amount` column: the figure the product reads first. */
  amount?: (o: Obj) => number | null;
  customer?: (o: Obj) => string | null;
}

const customerOf = (o: Obj) => idOf(o.customer);

export const FAMILIES: readonly FamilySpec[] = [
  {
    family: 'customers',
    table: 'stripe_customers',
    objectTypes: ['customer'],
    listPath: '/v1/customers',
    columns: { email: (o) => str(o.email), name: (o) => str(o.name) },
    customer: (o) => str(o.id),
    amount: (o) => num(o.balance),
  },
  {
    family: 'products',
    table: 'stripe_products',
    objectTypes: ['product'],
    listPath: '/v1/products',
    columns: { name: (o) => str(o.name), active: (o) => bool(o.active) },
  },
  {
    family: 'prices',
    table: 'stripe_prices',
    objectTypes: ['price', 'plan'],
    listPath: '/v1/prices',
    columns: {
      product_id: (o) => idOf(o.product),
      active: (o) => bool(o.active),
      recurring_interval: (o) => (isObject(o.recurring) ? str(o.recurring.interval) : null),
      recurring_interval_count: (o) => (isObject(o.recurring) ? num(o.recurring.interval_count) : null),
    },
    amount: (o) => num(o.unit_amount),
  },
  {
    family: 'coupons',
    table: 'stripe_coupons',
    objectTypes: ['coupon'],
    listPath: '/v1/coupons',
    columns: {
      percent_off: (o) => (num(o.percent_off) === null ? null : String(o.percent_off)),
      duration: (o) => str(o.duration),
    },
    amount: (o) => num(o.amount_off),
  },
  {
    family: 'subscriptions',
    table: 'stripe_subscriptions',
    objectTypes: ['subscription'],
    listPath: '/v1/subscriptions',
    listParams: { status: 'all' },
    nested: [
      {
        field: 'items',
        family: 'subscription_items',
        path: (id) => `/v1/subscription_items?subscription=${encodeURIComponent(id)}`,
      },
    ],
    columns: {
      cancel_at_period_end: (o) => bool(o.cancel_at_period_end),
      cancel_at: (o) => num(o.cancel_at),
      ended_at: (o) => num(o.ended_at),
      trial_end: (o) => num(o.trial_end),
    },
  },
  {
    family: 'subscription_items',
    table: 'stripe_subscription_items',
    objectTypes: ['subscription_item'],
    columns: {
      subscription_id: (o) => idOf(o.subscription),
      price_id: (o) => idOf(o.price) ?? idOf(o.plan),
      quantity: (o) => num(o.quantity),
    },
  },
  {
    family: 'invoices',
    table: 'stripe_invoices',
    objectTypes: ['invoice'],
    listPath: '/v1/invoices',
    nested: [
      {
        field: 'lines',
        family: 'invoice_line_items',
        path: (id) => `/v1/invoices/${encodeURIComponent(id)}/lines`,
      },
    ],
    columns: {
      subscription_id: (o) => invoiceSubscriptionId(o),
      amount_due: (o) => num(o.amount_due),
      amount_paid: (o) => num(o.amount_paid),
      amount_remaining: (o) => num(o.amount_remaining),
      attempt_count: (o) => num(o.attempt_count),
      next_payment_attempt: (o) => num(o.next_payment_attempt),
      due_date: (o) => num(o.due_date),
      collection_method: (o) => str(o.collection_method),
    },
    amount: (o) => num(o.total),
  },
  {
    family: 'invoice_line_items',
    table: 'stripe_invoice_line_items',
    objectTypes: ['line_item'],
    columns: {
      invoice_id: (o) => idOf(o.invoice),
      subscription_id: (o) => lineSubscriptionId(o),
      price_id: (o) => linePriceId(o),
    },
  },
  {
    family: 'invoice_items',
    table: 'stripe_invoice_items',
    objectTypes: ['invoiceitem'],
    listPath: '/v1/invoiceitems',
    columns: { invoice_id: (o) => idOf(o.invoice), price_id: (o) => linePriceId(o) },
  },
  {
    family: 'payment_intents',
    table: 'stripe_payment_intents',
    objectTypes: ['payment_intent'],
    listPath: '/v1/payment_intents',
    columns: { invoice_id: (o) => paymentIntentInvoiceId(o) },
  },
  {
    family: 'charges',
    table: 'stripe_charges',
    objectTypes: ['charge'],
    listPath: '/v1/charges',
    columns: {
      payment_intent_id: (o) => idOf(o.payment_intent),
      invoice_id: (o) => chargeInvoiceId(o),
      failure_code: (o) => str(o.failure_code),
      outcome_type: (o) => (isObject(o.outcome) ? str(o.outcome.type) : null),
      amount_refunded: (o) => num(o.amount_refunded),
    },
  },
  {
    family: 'payment_methods',
    table: 'stripe_payment_methods',
    objectTypes: ['payment_method'],
    columns: {
      type: (o) => str(o.type),
      card_brand: (o) => (isObject(o.card) ? str(o.card.brand) : null),
      card_last4: (o) => (isObject(o.card) ? str(o.card.last4) : null),
      card_exp_month: (o) => (isObject(o.card) ? num(o.card.exp_month) : null),
      card_exp_year: (o) => (isObject(o.card) ? num(o.card.exp_year) : null),
      card_fingerprint: (o) => (isObject(o.card) ? str(o.card.fingerprint) : null),
    },
  },
  {
    family: 'refunds',
    table: 'stripe_refunds',
    objectTypes: ['refund'],
    listPath: '/v1/refunds',
    columns: { charge_id: (o) => idOf(o.charge), payment_intent_id: (o) => idOf(o.payment_intent) },
  },
  {
    family: 'disputes',
    table: 'stripe_disputes',
    objectTypes: ['dispute'],
    listPath: '/v1/disputes',
    columns: {
      charge_id: (o) => idOf(o.charge),
      reason: (o) => str(o.reason),
      due_by: (o) => (isObject(o.evidence_details) ? num(o.evidence_details.due_by) : null),
    },
  },
  {
    family: 'payouts',
    table: 'stripe_payouts',
    objectTypes: ['payout'],
    listPath: '/v1/payouts',
    columns: { arrival_date: (o) => num(o.arrival_date) },
  },
  {
    family: 'balance_transactions',
    table: 'stripe_balance_transactions',
    objectTypes: ['balance_transaction'],
    listPath: '/v1/balance_transactions',
    columns: {
      type: (o) => str(o.type),
      source_id: (o) => idOf(o.source),
      fee: (o) => num(o.fee),
      net: (o) => num(o.net),
    },
  },
  {
    family: 'credit_notes',
    table: 'stripe_credit_notes',
    objectTypes: ['credit_note'],
    listPath: '/v1/credit_notes',
    columns: { invoice_id: (o) => idOf(o.invoice) },
    amount: (o) => num(o.total),
  },
  {
    family: 'events',
    table: 'stripe_events',
    objectTypes: ['event'],
    listPath: '/v1/events',
    columns: {
      type: (o) => str(o.type),
      api_version: (o) => str(o.api_version),
      object_id: (o) => (isObject(o.data) && isObject(o.data.object) ? str(o.data.object.id) : null),
      object_type: (o) => (isObject(o.data) && isObject(o.data.object) ? str(o.data.object.object) : null),
    },
    // An event has no customer of its own: the customer of its object (or the object itself).
    customer: (o) => {
      const obj = isObject(o.data) && isObject(o.data.object) ? o.data.object : null;
      if (!obj) return null;
      return obj.object === 'customer' ? str(obj.id) : idOf(obj.customer);
    },
  },
];

const BY_FAMILY = new Map(FAMILIES.map((f) => [f.family, f]));
const BY_OBJECT = new Map(FAMILIES.flatMap((f) => f.objectTypes.map((t) => [t, f] as const)));

export function familySpec(family: Family): FamilySpec {
  const spec = BY_FAMILY.get(family);
  if (!spec) throw new Error(`Unknown object family "${family}"`);
  return spec;
}

/** The family a Stripe object belongs to, from its `object` field; undefined when not read. */
export function familyOfObject(object: StripeObject | Obj): FamilySpec | undefined {
  return typeof object.object === 'string' ? BY_OBJECT.get(object.object) : undefined;
}

export function isFamily(name: string): name is Family {
  return BY_FAMILY.has(name as Family);
}

/** The common key columns every family table has. */
export function commonColumns(spec: FamilySpec, o: Obj) {
  return {
    livemode: bool(o.livemode) ?? false,
    created: num(o.created),
    customer_id: spec.customer ? spec.customer(o) : customerOf(o),
    status: str(o.status),
    currency: str(o.currency),
    amount: spec.amount ? spec.amount(o) : num(o.amount),
  };
}
