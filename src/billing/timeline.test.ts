import { describe, expect, it } from 'vitest';
import { formatDate, utc } from './dates.ts';
import { describeEvent } from './timeline.ts';

describe('describeEvent', () => {
  it('failed payment with amount, reason and next retry', () => {
    expect(
      describeEvent({
        type: 'payment_failed',
        amount: 4500,
        currency: 'eur',
        failureCode: 'card_declined',
        declineCode: 'insufficient_funds',
        nextRetryAt: utc(2026, 3, 12, 8),
      }),
    ).toBe('Payment of €45.00 failed: card declined (insufficient funds); next retry 12 Mar 2026');
  });

  it('failed payment without a retry, and with only a message', () => {
    expect(
      describeEvent({
        type: 'payment_failed',
        amount: 10000,
        currency: 'jpy',
        failureMessage: 'Your card has expired.',
        nextRetryAt: null,
      }),
    ).toBe('Payment of ¥10,000 failed: Your card has expired; no retry scheduled');
  });

  it('subscription started with plan, cadence and price', () => {
    expect(
      describeEvent({
        type: 'subscription_started',
        planName: 'Pro',
        interval: 'month',
        amount: 3000,
        currency: 'usd',
      }),
    ).toBe('Subscription started: Pro (monthly) at $30.00/month');
    expect(
      describeEvent({
        type: 'subscription_started',
        planName: 'Team',
        interval: 'month',
        intervalCount: 3,
        amount: 12345,
        currency: 'bhd',
      }),
    ).toMatch(/^Subscription started: Team \(every 3 months\) at BHD\s12\.345\/3 months$/);
  });

  it('invoices, disputes, cancellations', () => {
    expect(describeEvent({ type: 'invoice_paid', invoiceId: 'in_123', amount: 9000, currency: 'usd' })).toBe(
      'Invoice in_123 paid: $90.00',
    );
    expect(
      describeEvent({
        type: 'dispute_opened',
        amount: 5000,
        currency: 'usd',
        reason: 'fraudulent',
        dueBy: utc(2026, 4, 3, 23, 59),
      }),
    ).toBe('Dispute opened on $50.00: fraudulent; respond by 3 Apr 2026');
    expect(describeEvent({ type: 'dispute_closed', amount: 5000, currency: 'usd', status: 'lost' })).toBe(
      'Dispute on $50.00 closed: lost',
    );
    expect(describeEvent({ type: 'subscription_cancelled' })).toBe('Subscription cancelled');
    expect(describeEvent({ type: 'subscription_cancellation_scheduled', cancelAt: utc(2026, 4, 30) })).toBe(
      'Cancellation scheduled for 30 Apr 2026',
    );
    expect(
      describeEvent({
        type: 'plan_changed',
        fromPlan: 'Basic',
        toPlan: 'Pro',
        interval: 'year',
        amount: 30000,
        currency: 'usd',
      }),
    ).toBe('Plan changed: Basic → Pro (yearly) at $300.00/year');
    expect(describeEvent({ type: 'refund_issued', amount: 1000, currency: 'usd' })).toBe(
      'Refund of $10.00 issued',
    );
  });

  it('names an unsupported Stripe event instead of failing', () => {
    expect(describeEvent({ type: 'other', stripeType: 'customer.tax_id.created' })).toBe(
      'Stripe event customer.tax_id.created',
    );
  });

  it('writes dates in UTC whatever the local time zone', () => {
    expect(formatDate(utc(2026, 3, 12, 23, 59, 59))).toBe('12 Mar 2026');
    expect(formatDate(utc(2026, 1, 1, 0, 0, 0))).toBe('1 Jan 2026');
  });
});
