// Every object family the sandbox serves, plus side tables for data Stripe keeps but does not
// render by default (price tiers, full line lists, which test card a payment method stands for).
import type { CardBehaviour } from '../objects/cards.ts';
import type {
  BalanceTransaction,
  Charge,
  Coupon,
  CreditNote,
  Customer,
  Dispute,
  Invoice,
  InvoiceItem,
  InvoiceLineItem,
  InvoicePayment,
  PaymentIntent,
  PaymentMethod,
  Payout,
  Price,
  PriceTier,
  Product,
  Refund,
  StoredEvent,
  Subscription,
  SubscriptionItem,
  WebhookEndpoint,
} from '../objects/wire.ts';
import { type Entry, Family } from './family.ts';

const byCreated = (o: { created: number }): number => o.created;

export function createStore() {
  return {
    customers: new Family<Customer>('customer', byCreated),
    products: new Family<Product>('product', byCreated),
    prices: new Family<Price>('price', byCreated),
    coupons: new Family<Coupon>('coupon', byCreated),
    subscriptions: new Family<Subscription>('subscription', byCreated),
    subscription_items: new Family<SubscriptionItem>('subscription item', byCreated),
    invoices: new Family<Invoice>('invoice', byCreated),
    invoiceitems: new Family<InvoiceItem>('invoiceitem', (o) => o.date),
    invoice_payments: new Family<InvoicePayment>('invoice payment', byCreated),
    payment_intents: new Family<PaymentIntent>('payment_intent', byCreated),
    charges: new Family<Charge>('charge', byCreated),
    payment_methods: new Family<PaymentMethod>('PaymentMethod', byCreated),
    refunds: new Family<Refund>('refund', byCreated),
    disputes: new Family<Dispute>('dispute', byCreated),
    payouts: new Family<Payout>('payout', byCreated),
    balance_transactions: new Family<BalanceTransaction>('balance transaction', byCreated),
    credit_notes: new Family<CreditNote>('credit note', byCreated),
    events: new Family<StoredEvent>('event', byCreated, (e) => e.json),
    webhook_endpoints: new Family<WebhookEndpoint>('webhook endpoint', byCreated),
    /** Price tiers, rendered only with `expand[]=tiers` as Stripe does. */
    priceTiers: new Map<string, PriceTier[]>(),
    /** All line items per invoice; the invoice object inlines the first 10. */
    invoiceLines: new Map<string, InvoiceLineItem[]>(),
    /** All items per subscription; the subscription object inlines the first 10. */
    subscriptionItems: new Map<string, SubscriptionItem[]>(),
    /** Test-card behaviour behind each card payment method. */
    cardOf: new Map<string, CardBehaviour>(),
    /** Invoice id → its payment intent, reused across retries like Stripe. */
    invoicePaymentIntent: new Map<string, string>(),
    /** Subscription id → index of the current billing period since the anchor (-1 = trial). */
    periodIndex: new Map<string, number>(),
    /** Customer id → invoice items not yet on an invoice. */
    pendingItems: new Map<string, string[]>(),
    /** Payment intent id → invoice it pays. */
    paymentIntentInvoice: new Map<string, string>(),
  };
}

export type Store = ReturnType<typeof createStore>;

/** Families that answer counts and a generic "retrieve by id prefix" (for `expand`). */
export const PREFIX_FAMILY: Record<string, keyof Store> = {
  cus: 'customers',
  prod: 'products',
  price: 'prices',
  sub: 'subscriptions',
  si: 'subscription_items',
  in: 'invoices',
  ii: 'invoiceitems',
  inpay: 'invoice_payments',
  pi: 'payment_intents',
  ch: 'charges',
  py: 'charges',
  pm: 'payment_methods',
  re: 'refunds',
  du: 'disputes',
  po: 'payouts',
  txn: 'balance_transactions',
  cn: 'credit_notes',
  evt: 'events',
  we: 'webhook_endpoints',
};

export const FAMILY_NAMES = [
  'customers',
  'products',
  'prices',
  'coupons',
  'subscriptions',
  'subscription_items',
  'invoices',
  'invoiceitems',
  'invoice_payments',
  'payment_intents',
  'charges',
  'payment_methods',
  'refunds',
  'disputes',
  'payouts',
  'balance_transactions',
  'credit_notes',
  'events',
  'webhook_endpoints',
] as const;

export type FamilyName = (typeof FAMILY_NAMES)[number];

/** The family operations that do not depend on the object type, for generic code paths. */
export interface AnyFamily {
  readonly noun: string;
  readonly size: number;
  get(id: string): { id: string } | undefined;
  jsonOf(id: string): string | undefined;
  touch(id: string): void;
  entries(): Entry<{ id: string }>[];
  json(entry: Entry<{ id: string }>): string;
}

export function familyOf(store: Store, name: FamilyName): AnyFamily {
  return store[name];
}
