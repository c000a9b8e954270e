import { describe, expect, it } from 'vitest';
import {
  invoiceChargeId,
  invoicePaymentIntentId,
  invoiceSubscriptionId,
  subscriptionDiscounts,
  subscriptionPeriodEnd,
} from './readers.ts';

describe('version-tolerant readers', () => {
  it('reads the subscription of an invoice in the 2025+ shape and the older top-level shape', () => {
    const current = {
      parent: { subscription_details: { subscription: 'sub_new' } },
      subscription: undefined,
    };
    const legacy = { subscription: 'sub_old' };
    const expanded = { subscription: { id: 'sub_exp', object: 'subscription' } };
    expect(invoiceSubscriptionId(current)).toBe('sub_new');
    expect(invoiceSubscriptionId(legacy)).toBe('sub_old');
    expect(invoiceSubscriptionId(expanded)).toBe('sub_exp');
    expect(invoiceSubscriptionId({ lines: { data: [{ subscription: 'sub_line' }] } })).toBe('sub_line');
    expect(invoiceSubscriptionId({})).toBeNull();
  });

  it('reads payment intent and charge from invoice.payments or the legacy fields', () => {
    const current = { payments: { data: [{ payment: { type: 'payment_intent', payment_intent: 'pi_1' } }] } };
    expect(invoicePaymentIntentId(current)).toBe('pi_1');
    expect(invoicePaymentIntentId({ payment_intent: 'pi_2' })).toBe('pi_2');
    expect(invoiceChargeId({ charge: 'ch_1' })).toBe('ch_1');
    expect(invoiceChargeId({ payments: { data: [{ payment: { charge: 'ch_2' } }] } })).toBe('ch_2');
  });

  it('reads the period end from items (2025+) or the subscription, and discounts in both shapes', () => {
    expect(
      subscriptionPeriodEnd({ items: { data: [{ current_period_end: 200 }, { current_period_end: 100 }] } }),
    ).toBe(100);
    expect(subscriptionPeriodEnd({ current_period_end: 300, items: { data: [{}] } })).toBe(300);
    expect(subscriptionDiscounts({ discount: { id: 'di_1' } })).toEqual([{ id: 'di_1' }]);
    expect(subscriptionDiscounts({ discounts: [{ id: 'di_2' }], discount: { id: 'di_1' } })).toEqual([
      { id: 'di_2' },
    ]);
  });
});
