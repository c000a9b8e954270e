// Stripe objects (as stored, any API version) → the input shapes of the pure billing rules.
// Every version-dependent field goes through src/stripe/readers.ts.

import type {
  BillingCharge,
  BillingDiscount,
  BillingDispute,
  BillingInvoice,
  BillingItem,
  BillingPaymentMethod,
  BillingPrice,
  BillingSubscription,
  BillingTier,
  CollectionMethod,
  DisputeStatus,
  InvoiceStatus,
  SubscriptionStatus,
} from '../billing/types.ts';
import {
  bool,
  discountCoupon,
  idOf,
  invoiceSubscriptionId,
  isObject,
  num,
  str,
  subscriptionDiscounts,
} from '../stripe/readers.ts';

type Obj = Record<string, unknown>;

/** Lookups for what a subscription payload may only name by id. */
export interface CatalogLookup {
  prices: Map<string, Obj>;
  coupons: Map<string, Obj>;
  productNames: Map<string, string>;
}

function decimalText(decimal: unknown, integer: unknown): string | null {
  return str(decimal) ?? (num(integer) === null ? null : String(num(integer)));
}

export function toBillingPrice(raw: Obj, catalog: CatalogLookup): BillingPrice {
  // A stored price row is complete (tiers are only present when expanded), so prefer it.
  const stored = typeof raw.id === 'string' ? catalog.prices.get(raw.id) : undefined;
  const p = stored && (stored.tiers !== undefined || raw.tiers === undefined) ? { ...raw, ...stored } : raw;
  const recurring = isObject(p.recurring) ? p.recurring : null;
  // Legacy `plan` objects carry interval fields at top level.
  const interval = str(recurring?.interval) ?? (p.object === 'plan' ? str(p.interval) : null);
  const tiers: BillingTier[] = Array.isArray(p.tiers)
    ? p.tiers.filter(isObject).map((t) => ({
        upTo: num(t.up_to),
        unitAmountDecimal: decimalText(t.unit_amount_decimal, t.unit_amount),
        flatAmountDecimal: decimalText(t.flat_amount_decimal, t.flat_amount),
      }))
    : [];
  const transform = isObject(p.transform_quantity)
    ? p.transform_quantity
    : isObject(p.transform_usage)
      ? p.transform_usage
      : null;
  const productId = idOf(p.product);
  const productName = isObject(p.product) ? str(p.product.name) : null;
  return {
    id: str(p.id) ?? 'unknown_price',
    currency: (str(p.currency) ?? 'usd').toLowerCase(),
    type: interval ? 'recurring' : 'one_time',
    interval: interval as BillingPrice['interval'],
    intervalCount: num(recurring?.interval_count) ?? num(p.interval_count) ?? 1,
    usageType: interval
      ? ((str(recurring?.usage_type) ?? str(p.usage_type) ?? 'licensed') as 'licensed' | 'metered')
      : null,
    billingScheme: str(p.billing_scheme) === 'tiered' ? 'tiered' : 'per_unit',
    unitAmountDecimal:
      decimalText(p.unit_amount_decimal, p.unit_amount) ?? decimalText(p.amount_decimal, p.amount),
    tiersMode: (str(p.tiers_mode) as 'graduated' | 'volume' | null) ?? null,
    tiers,
    transformQuantity:
      transform && num(transform.divide_by)
        ? { divideBy: num(transform.divide_by)!, round: str(transform.round) === 'up' ? 'up' : 'down' }
        : null,
    productName: productName ?? (productId ? (catalog.productNames.get(productId) ?? null) : null),
  };
}

export function toBillingDiscount(
  discount: Obj,
  currency: string,
  catalog: CatalogLookup,
): BillingDiscount | null {
  const ref = discountCoupon(discount);
  const coupon = typeof ref === 'string' ? catalog.coupons.get(ref) : ref;
  if (!coupon) return null;
  // amount_off in another currency: use the coupon's currency_options for the subscription's currency.
  let amountOff = num(coupon.amount_off);
  let couponCurrency = str(coupon.currency)?.toLowerCase() ?? null;
  if (amountOff !== null && couponCurrency !== null && couponCurrency !== currency.toLowerCase()) {
    const options = isObject(coupon.currency_options) ? coupon.currency_options : {};
    const option = options[currency.toLowerCase()];
    if (isObject(option) && num(option.amount_off) !== null) {
      amountOff = num(option.amount_off);
      couponCurrency = currency.toLowerCase();
    }
  }
  const duration = str(coupon.duration);
  return {
    couponId: str(coupon.id) ?? 'unknown_coupon',
    percentOff: num(coupon.percent_off),
    amountOff,
    currency: couponCurrency,
    duration: duration === 'once' || duration === 'repeating' ? duration : 'forever',
    end: num(discount.end),
  };
}

function discountsOf(list: unknown, currency: string, catalog: CatalogLookup): BillingDiscount[] {
  if (!Array.isArray(list)) return [];
  return list
    .filter(isObject)
    .map((d) => toBillingDiscount(d, currency, catalog))
    .filter((d): d is BillingDiscount => d !== null);
}

/** `items`: the subscription's items (inline when complete, else the stored item rows). */
export function toBillingSubscription(sub: Obj, items: Obj[], catalog: CatalogLookup): BillingSubscription {
  const currency = (str(sub.currency) ?? 'usd').toLowerCase();
  const billingItems: BillingItem[] = items.map((item) => {
    const price = isObject(item.price) ? item.price : isObject(item.plan) ? item.plan : null;
    const priceId = idOf(item.price) ?? idOf(item.plan);
    const priceObj =
      price ?? (priceId ? (catalog.prices.get(priceId) ?? { id: priceId }) : { id: 'unknown' });
    return {
      id: str(item.id) ?? 'unknown_item',
      quantity: num(item.quantity) ?? 1,
      price: toBillingPrice(priceObj, catalog),
      discounts: discountsOf(item.discounts, currency, catalog),
    };
  });
  return {
    id: String(sub.id),
    customerId: idOf(sub.customer) ?? '',
    status: (str(sub.status) ?? 'incomplete') as SubscriptionStatus,
    currency,
    collectionMethod: (str(sub.collection_method) ?? 'charge_automatically') as CollectionMethod,
    cancelAtPeriodEnd: bool(sub.cancel_at_period_end) ?? false,
    cancelAt: num(sub.cancel_at),
    endedAt: num(sub.ended_at),
    pauseCollection: isObject(sub.pause_collection),
    trialEnd: num(sub.trial_end),
    created: num(sub.start_date) ?? num(sub.created) ?? 0,
    items: billingItems,
    discounts: subscriptionDiscounts(sub)
      .map((d) => toBillingDiscount(d, currency, catalog))
      .filter((d): d is BillingDiscount => d !== null),
  };
}

export function toBillingInvoice(inv: Obj, firstFailedAt: number | null): BillingInvoice {
  const transitions = isObject(inv.status_transitions) ? inv.status_transitions : {};
  return {
    id: String(inv.id),
    customerId: idOf(inv.customer),
    status: (str(inv.status) ?? 'draft') as InvoiceStatus,
    collectionMethod: (str(inv.collection_method) ?? 'charge_automatically') as CollectionMethod,
    created: num(inv.created) ?? 0,
    dueDate: num(inv.due_date),
    amountDue: num(inv.amount_due) ?? 0,
    amountRemaining: num(inv.amount_remaining) ?? 0,
    currency: (str(inv.currency) ?? 'usd').toLowerCase(),
    attemptCount: num(inv.attempt_count) ?? 0,
    nextPaymentAttempt: num(inv.next_payment_attempt),
    firstFailedAt,
    paidAt: num(transitions.paid_at),
    subscriptionId: invoiceSubscriptionId(inv),
  };
}

/** `invoiceId`: resolved by the caller (charges of 2025+ versions no longer name their invoice). */
export function toBillingCharge(charge: Obj, invoiceId: string | null): BillingCharge {
  const outcome = isObject(charge.outcome) ? charge.outcome : {};
  const status = str(charge.status);
  return {
    id: String(charge.id),
    status: status === 'succeeded' || status === 'failed' ? status : 'pending',
    created: num(charge.created) ?? 0,
    failureCode: str(charge.failure_code),
    failureMessage: str(charge.failure_message),
    outcomeReason: str(outcome.reason),
    invoiceId,
    amount: num(charge.amount) ?? 0,
    currency: (str(charge.currency) ?? 'usd').toLowerCase(),
  };
}

export function toBillingDispute(dispute: Obj, closedAt: number | null): BillingDispute {
  const evidence = isObject(dispute.evidence_details) ? dispute.evidence_details : {};
  return {
    id: String(dispute.id),
    status: (str(dispute.status) ?? 'needs_response') as DisputeStatus,
    created: num(dispute.created) ?? 0,
    dueBy: num(evidence.due_by),
    amount: num(dispute.amount) ?? 0,
    currency: (str(dispute.currency) ?? 'usd').toLowerCase(),
    closedAt,
    reason: str(dispute.reason),
    chargeId: idOf(dispute.charge),
  };
}

export function toBillingPaymentMethod(pm: Obj, defaultId: string | null): BillingPaymentMethod {
  const card = isObject(pm.card) ? pm.card : {};
  return {
    id: String(pm.id),
    brand: str(card.brand),
    last4: str(card.last4),
    expMonth: num(card.exp_month),
    expYear: num(card.exp_year),
    isDefault: defaultId !== null && pm.id === defaultId,
  };
}
