// Builders for the billing rules' tests: sensible defaults, override what the test is about.

import type {
  BillingCharge,
  BillingDiscount,
  BillingDispute,
  BillingInvoice,
  BillingItem,
  BillingPaymentMethod,
  BillingPrice,
  BillingSubscription,
} from './types.ts';

let seq = 0;
const nextId = (prefix: string) => `${prefix}_${++seq}`;

export function price(overrides: Partial<BillingPrice> = {}): BillingPrice {
  return {
    id: nextId('price'),
    currency: 'usd',
    type: 'recurring',
    interval: 'month',
    intervalCount: 1,
    usageType: 'licensed',
    billingScheme: 'per_unit',
    unitAmountDecimal: '1000',
    tiersMode: null,
    tiers: [],
    transformQuantity: null,
    ...overrides,
  };
}

export function item(p: Partial<BillingPrice> = {}, overrides: Partial<BillingItem> = {}): BillingItem {
  return { id: nextId('si'), quantity: 1, price: price(p), discounts: [], ...overrides };
}

export function subscription(overrides: Partial<BillingSubscription> = {}): BillingSubscription {
  return {
    id: nextId('sub'),
    customerId: 'cus_1',
    status: 'active',
    currency: 'usd',
    collectionMethod: 'charge_automatically',
    cancelAtPeriodEnd: false,
    cancelAt: null,
    endedAt: null,
    pauseCollection: false,
    trialEnd: null,
    created: 1_700_000_000,
    items: [item()],
    discounts: [],
    ...overrides,
  };
}

export function percentOff(percent: number, overrides: Partial<BillingDiscount> = {}): BillingDiscount {
  return {
    couponId: nextId('co'),
    percentOff: percent,
    amountOff: null,
    currency: null,
    duration: 'forever',
    end: null,
    ...overrides,
  };
}

export function amountOff(
  amount: number,
  currency: string,
  overrides: Partial<BillingDiscount> = {},
): BillingDiscount {
  return {
    couponId: nextId('co'),
    percentOff: null,
    amountOff: amount,
    currency,
    duration: 'forever',
    end: null,
    ...overrides,
  };
}

export function invoice(overrides: Partial<BillingInvoice> = {}): BillingInvoice {
  return {
    id: nextId('in'),
    status: 'paid',
    collectionMethod: 'charge_automatically',
    created: 1_700_000_000,
    dueDate: null,
    amountDue: 9000,
    amountRemaining: 9000,
    currency: 'usd',
    attemptCount: 1,
    nextPaymentAttempt: null,
    firstFailedAt: null,
    paidAt: null,
    subscriptionId: null,
    ...overrides,
  };
}

export function charge(overrides: Partial<BillingCharge> = {}): BillingCharge {
  return {
    id: nextId('ch'),
    status: 'succeeded',
    created: 1_700_000_000,
    failureCode: null,
    failureMessage: null,
    outcomeReason: null,
    invoiceId: null,
    amount: 9000,
    currency: 'usd',
    ...overrides,
  };
}

export function dispute(overrides: Partial<BillingDispute> = {}): BillingDispute {
  return {
    id: nextId('dp'),
    status: 'needs_response',
    created: 1_700_000_000,
    dueBy: null,
    amount: 5000,
    currency: 'usd',
    closedAt: null,
    reason: 'fraudulent',
    ...overrides,
  };
}

export function card(overrides: Partial<BillingPaymentMethod> = {}): BillingPaymentMethod {
  return {
    id: nextId('pm'),
    brand: 'visa',
    last4: '4242',
    expMonth: 12,
    expYear: 2099,
    isDefault: true,
    ...overrides,
  };
}
