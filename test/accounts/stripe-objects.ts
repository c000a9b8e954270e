// Stripe objects shaped like the pinned API version (2026: invoice.parent, line.pricing,
// payments list, period on items), for store-level tests of accounts and figures.

import type { StripeObject } from '../../src/stripe/readers.ts';

export const DAY = 86_400;
export const utc = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / 1000;

export function customer(o: {
  id: string;
  email?: string | null;
  name?: string | null;
  meta?: string;
  defaultPm?: string;
}): StripeObject {
  return {
    id: o.id,
    object: 'customer',
    email: o.email ?? null,
    name: o.name ?? null,
    created: utc(2025, 1, 1),
    metadata: o.meta ? { atlas_account_id: o.meta } : {},
    invoice_settings: { default_payment_method: o.defaultPm ?? null },
    livemode: false,
  };
}

export function price(o: {
  id: string;
  amount: number;
  currency?: string;
  interval?: 'month' | 'year' | 'week';
  product?: string;
}) {
  return {
    id: o.id,
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    currency: o.currency ?? 'usd',
    product: o.product ?? 'prod_basic',
    recurring: { interval: o.interval ?? 'month', interval_count: 1, usage_type: 'licensed' },
    type: 'recurring',
    unit_amount: o.amount,
    unit_amount_decimal: String(o.amount),
    tiers_mode: null,
    transform_quantity: null,
  };
}

export function subscription(o: {
  id: string;
  customer: string;
  status?: string;
  price: ReturnType<typeof price>;
  quantity?: number;
  start: number;
  periodStart?: number;
  endedAt?: number | null;
  cancelAtPeriodEnd?: boolean;
}): StripeObject {
  const periodStart = o.periodStart ?? o.start;
  return {
    id: o.id,
    object: 'subscription',
    customer: o.customer,
    status: o.status ?? 'active',
    currency: o.price.currency,
    collection_method: 'charge_automatically',
    cancel_at_period_end: o.cancelAtPeriodEnd ?? false,
    cancel_at: null,
    canceled_at: o.endedAt ?? null,
    ended_at: o.endedAt ?? null,
    created: o.start,
    start_date: o.start,
    trial_start: null,
    trial_end: null,
    pause_collection: null,
    discounts: [],
    items: {
      object: 'list',
      has_more: false,
      data: [
        {
          id: `si_${o.id}`,
          object: 'subscription_item',
          subscription: o.id,
          price: o.price,
          quantity: o.quantity ?? 1,
          discounts: [],
          current_period_start: periodStart,
          current_period_end: periodStart + 30 * DAY,
        },
      ],
    },
    livemode: false,
  };
}

export function invoice(o: {
  id: string;
  customer: string;
  subscription: string;
  status?: string;
  amount: number;
  currency?: string;
  priceId: string;
  quantity?: number;
  periodStart: number;
  periodEnd: number;
  attemptCount?: number;
  nextPaymentAttempt?: number | null;
  paymentIntent?: string;
}): StripeObject {
  const currency = o.currency ?? 'usd';
  const paid = (o.status ?? 'paid') === 'paid';
  return {
    id: o.id,
    object: 'invoice',
    customer: o.customer,
    status: o.status ?? 'paid',
    currency,
    collection_method: 'charge_automatically',
    created: o.periodStart,
    due_date: null,
    amount_due: o.amount,
    amount_paid: paid ? o.amount : 0,
    amount_remaining: paid ? 0 : o.amount,
    total: o.amount,
    attempt_count: o.attemptCount ?? 1,
    next_payment_attempt: o.nextPaymentAttempt ?? null,
    status_transitions: { paid_at: paid ? o.periodStart + 3600 : null },
    parent: { type: 'subscription_details', subscription_details: { subscription: o.subscription } },
    payments: o.paymentIntent
      ? {
          object: 'list',
          has_more: false,
          data: [{ payment: { type: 'payment_intent', payment_intent: o.paymentIntent } }],
        }
      : { object: 'list', has_more: false, data: [] },
    lines: {
      object: 'list',
      has_more: false,
      data: [
        {
          id: `il_${o.id}`,
          object: 'line_item',
          invoice: o.id,
          amount: o.amount,
          currency,
          quantity: o.quantity ?? 1,
          period: { start: o.periodStart, end: o.periodEnd },
          discount_amounts: [],
          pricing: { type: 'price_details', price_details: { price: o.priceId, product: 'prod_basic' } },
          parent: {
            type: 'subscription_item_details',
            subscription_item_details: {
              subscription: o.subscription,
              proration: false,
              subscription_item: `si_${o.subscription}`,
            },
          },
        },
      ],
    },
    livemode: false,
  };
}

export function charge(o: {
  id: string;
  customer: string;
  status: 'succeeded' | 'failed';
  amount: number;
  currency?: string;
  created: number;
  paymentIntent?: string;
  failureCode?: string;
  reason?: string;
}): StripeObject {
  return {
    id: o.id,
    object: 'charge',
    customer: o.customer,
    status: o.status,
    amount: o.amount,
    currency: o.currency ?? 'usd',
    created: o.created,
    payment_intent: o.paymentIntent ?? null,
    failure_code: o.failureCode ?? null,
    failure_message: o.failureCode ? 'Your card was declined.' : null,
    outcome: { type: o.status === 'failed' ? 'issuer_declined' : 'authorized', reason: o.reason ?? null },
    livemode: false,
  };
}

export function card(o: {
  id: string;
  customer: string;
  expMonth: number;
  expYear: number;
  last4?: string;
}): StripeObject {
  return {
    id: o.id,
    object: 'payment_method',
    type: 'card',
    customer: o.customer,
    card: {
      brand: 'visa',
      last4: o.last4 ?? '4242',
      exp_month: o.expMonth,
      exp_year: o.expYear,
      funding: 'credit',
      country: 'US',
    },
    created: utc(2025, 1, 1),
    livemode: false,
  };
}

export function event(o: {
  id: string;
  type: string;
  created: number;
  object: StripeObject;
  previous?: Record<string, unknown>;
}): StripeObject {
  return {
    id: o.id,
    object: 'event',
    type: o.type,
    created: o.created,
    api_version: '2026-10-28.endive',
    data: { object: o.object, ...(o.previous ? { previous_attributes: o.previous } : {}) },
    livemode: false,
  };
}
