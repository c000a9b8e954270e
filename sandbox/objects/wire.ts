// The JSON shapes the sandbox stores and serves, derived from the official SDK's types so that a
// missing or mistyped field is a compile error. `Wire` maps the SDK's branded Decimal to the string
// that travels on the wire.
import type Stripe from 'stripe';

export type Wire<T> = T extends Stripe.Decimal
  ? string
  : T extends string | number | boolean | null | undefined
    ? T
    : T extends (infer U)[]
      ? Wire<U>[]
      : T extends object
        ? { [K in keyof T]: Wire<T[K]> }
        : T;

export type Customer = Wire<Stripe.Customer>;
export type Product = Wire<Stripe.Product>;
export type Price = Wire<Stripe.Price>;
export type PriceTier = Wire<Stripe.Price.Tier>;
export type Plan = Wire<Stripe.Plan>;
export type Coupon = Wire<Stripe.Coupon>;
export type Discount = Wire<Stripe.Discount>;
export type Subscription = Wire<Stripe.Subscription>;
export type SubscriptionItem = Wire<Stripe.SubscriptionItem>;
export type Invoice = Wire<Stripe.Invoice>;
export type InvoiceLineItem = Wire<Stripe.InvoiceLineItem>;
export type InvoiceItem = Wire<Stripe.InvoiceItem>;
export type InvoicePayment = Wire<Stripe.InvoicePayment>;
export type PaymentIntent = Wire<Stripe.PaymentIntent>;
export type Charge = Wire<Stripe.Charge>;
export type PaymentMethod = Wire<Stripe.PaymentMethod>;
export type Refund = Wire<Stripe.Refund>;
export type Dispute = Wire<Stripe.Dispute>;
export type Payout = Wire<Stripe.Payout>;
export type BalanceTransaction = Wire<Stripe.BalanceTransaction>;
export type CreditNote = Wire<Stripe.CreditNote>;
export type CreditNoteLineItem = Wire<Stripe.CreditNoteLineItem>;
export type WebhookEndpoint = Wire<Stripe.WebhookEndpoint>;
export type Metadata = Record<string, string>;

/** Events are immutable once emitted, so they are stored as their final JSON. */
export type StoredEvent = { id: string; type: string; created: number; json: string };

/** A list object as nested inside another object (`invoice.lines`, `subscription.items`). */
export function nestedList<T>(
  url: string,
  all: T[],
  max = 10,
): { object: 'list'; data: T[]; has_more: boolean; url: string } {
  return { object: 'list', data: all.slice(0, max), has_more: all.length > max, url };
}
