/**
 * Version-tolerant reads of the fields the product uses. Event payloads are rendered in the API
 * version of the endpoint at the time, so a field may sit where an older version put it
 * (`invoice.subscription`) or where a newer one does (`invoice.parent.subscription_details`).
 * Every read of such a field goes through here.
 */

export type StripeObject = { id: string; object: string; [key: string]: unknown };

type Obj = Record<string, unknown>;

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An id from a field that may be an id string or an expanded object. */
export function idOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (isObject(value) && typeof value.id === 'string') return value.id;
  return null;
}

export function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function bool(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

function path(obj: unknown, ...keys: string[]): unknown {
  let cur: unknown = obj;
  for (const k of keys) {
    if (!isObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

function listData(value: unknown): Obj[] {
  const data = path(value, 'data');
  return Array.isArray(data) ? data.filter(isObject) : [];
}

/** The subscription an invoice belongs to: `parent.subscription_details` (2025+) or `subscription`. */
export function invoiceSubscriptionId(invoice: Obj): string | null {
  return (
    idOf(path(invoice, 'parent', 'subscription_details', 'subscription')) ??
    idOf(invoice.subscription) ??
    lineSubscriptionId(listData(invoice.lines)[0])
  );
}

/** The subscription of an invoice line: `parent.subscription_item_details` (2025+) or `subscription`. */
export function lineSubscriptionId(line: Obj | undefined): string | null {
  if (!line) return null;
  return (
    idOf(path(line, 'parent', 'subscription_item_details', 'subscription')) ??
    idOf(path(line, 'parent', 'invoice_item_details', 'subscription')) ??
    idOf(line.subscription)
  );
}

/** The price of an invoice line or invoice item: `pricing.price_details.price` (2025+) or `price`. */
export function linePriceId(line: Obj): string | null {
  return idOf(path(line, 'pricing', 'price_details', 'price')) ?? idOf(line.price);
}

/** The payment intent of an invoice: first of `payments` (2025+) or top-level `payment_intent`. */
export function invoicePaymentIntentId(invoice: Obj): string | null {
  for (const p of listData(invoice.payments)) {
    const id = idOf(path(p, 'payment', 'payment_intent'));
    if (id) return id;
  }
  return idOf(invoice.payment_intent);
}

/** The charge of an invoice: from `payments` (2025+) or top-level `charge`. */
export function invoiceChargeId(invoice: Obj): string | null {
  for (const p of listData(invoice.payments)) {
    const id = idOf(path(p, 'payment', 'charge'));
    if (id) return id;
  }
  return idOf(invoice.charge);
}

/** The invoice a charge paid, when the payload still carries it (removed from charges in 2025). */
export function chargeInvoiceId(charge: Obj): string | null {
  return idOf(charge.invoice) ?? str(path(charge, 'metadata', 'invoice'));
}

/** The invoice of a payment intent, when present (removed in 2025 versions). */
export function paymentIntentInvoiceId(pi: Obj): string | null {
  return idOf(pi.invoice);
}

/** Period end of a subscription: on each item (2025+) or top-level `current_period_end`. */
export function subscriptionPeriodEnd(sub: Obj): number | null {
  const ends = listData(sub.items)
    .map((i) => num(i.current_period_end))
    .filter((n): n is number => n !== null);
  if (ends.length > 0) return Math.min(...ends);
  return num(sub.current_period_end);
}

/** Discounts applied to a subscription: `discounts[]` (objects or ids) or the singular `discount`. */
export function subscriptionDiscounts(sub: Obj): Obj[] {
  const many = Array.isArray(sub.discounts) ? sub.discounts.filter(isObject) : [];
  if (many.length > 0) return many;
  return isObject(sub.discount) ? [sub.discount] : [];
}

/** The coupon of a discount: `source.coupon` (2025+) or `coupon`. */
export function discountCoupon(discount: Obj): Obj | string | null {
  const c = path(discount, 'source', 'coupon') ?? discount.coupon;
  return isObject(c) || typeof c === 'string' ? c : null;
}

/** The customer's default payment method id, from `invoice_settings` or the legacy `default_source`. */
export function customerDefaultPaymentMethodId(customer: Obj): string | null {
  return idOf(path(customer, 'invoice_settings', 'default_payment_method')) ?? idOf(customer.default_source);
}

export function metadataValue(obj: Obj, key: string): string | null {
  return str(path(obj, 'metadata', key));
}
