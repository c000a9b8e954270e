import type Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from './index.ts';
import { sandboxWithClient, subscribedCustomer } from './test-helpers.ts';

const DAY = 86400;
let sb: Sandbox;
afterEach(() => sb.close());

async function eventsFor(stripe: Stripe, ids: Set<string>): Promise<Stripe.Event[]> {
  const out: Stripe.Event[] = [];
  for await (const e of stripe.events.list({ limit: 100 })) {
    const obj = e.data.object as { id: string; customer?: string };
    if (ids.has(obj.id) || (obj.customer && ids.has(obj.customer))) out.push(e);
  }
  return out.reverse(); // oldest first
}

describe('a subscription on a card that starts failing', () => {
  it('goes past_due, retries with growing attempt_count, ends unpaid, then recovers on a good card', async () => {
    let stripe: Stripe;
    ({ sb, stripe } = await sandboxWithClient());
    const { customer, price } = await subscribedCustomer(stripe, 'pm_card_visa');
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    expect(sub.status).toBe('active');

    const bad = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: customer.id });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: bad.id } });
    sb.admin.advance({ seconds: 31 * DAY + 3600 }); // renewal, first failure
    sb.admin.advance({ seconds: 16 * DAY }); // three retries: +3, +5, +7 days

    const events = await eventsFor(stripe, new Set([customer.id, sub.id]));
    const types = events.map((e) => e.type);
    // The creation events are older than the 30-day window by now; the renewal is the first.
    expect(types.slice(0, 7)).toEqual([
      'invoice.created',
      'customer.subscription.updated',
      'invoice.finalized',
      'payment_intent.created',
      'charge.failed',
      'payment_intent.payment_failed',
      'invoice.payment_failed',
    ]);
    expect(events.map((e) => e.created)).toEqual([...events.map((e) => e.created)].sort((a, b) => a - b));

    const failed = events
      .filter((e) => e.type === 'invoice.payment_failed')
      .map((e) => e.data.object as Stripe.Invoice);
    expect(failed.map((i) => i.attempt_count)).toEqual([1, 2, 3, 4]);
    expect(failed.slice(0, 3).every((i) => typeof i.next_payment_attempt === 'number')).toBe(true);
    expect(failed[3]!.next_payment_attempt).toBeNull();

    const statusChanges = events
      .filter(
        (e) =>
          e.type === 'customer.subscription.updated' &&
          e.data.previous_attributes &&
          'status' in e.data.previous_attributes,
      )
      .map((e) => [
        (e.data.previous_attributes as { status: string }).status,
        (e.data.object as Stripe.Subscription).status,
      ]);
    expect(statusChanges).toContainEqual(['active', 'past_due']);
    expect(statusChanges).toContainEqual(['past_due', 'unpaid']);

    const charge = (await stripe.charges.list({ customer: customer.id, limit: 1 })).data[0]!;
    expect(charge).toMatchObject({ status: 'failed', paid: false, failure_code: 'card_declined' });
    expect(charge.outcome).toMatchObject({
      type: 'issuer_declined',
      reason: 'generic_decline',
      network_status: 'declined_by_network',
    });

    // Recovery: a working card, then paying the open invoice by hand.
    const good = await stripe.paymentMethods.attach('pm_card_mastercard', { customer: customer.id });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: good.id } });
    const paid = await stripe.invoices.pay(failed[0]!.id);
    expect(paid.status).toBe('paid');
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
  });

  it('pays on the next automatic retry once a good card is the default', async () => {
    let stripe: Stripe;
    ({ sb, stripe } = await sandboxWithClient());
    const { customer, price } = await subscribedCustomer(
      stripe,
      'pm_card_visa_chargeDeclinedInsufficientFunds',
    );
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 7,
    });
    expect(sub.status).toBe('trialing');
    sb.admin.advance({ seconds: 7 * DAY + 60 });
    let current = await stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice'] });
    expect(current.status).toBe('past_due');
    expect((current.latest_invoice as Stripe.Invoice).attempt_count).toBe(1);
    const err = await stripe.invoices
      .pay((current.latest_invoice as Stripe.Invoice).id)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      statusCode: 402,
      type: 'StripeCardError',
      code: 'card_declined',
      decline_code: 'insufficient_funds',
    });

    const good = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: good.id } });
    sb.admin.advance({ seconds: 5 * DAY });
    current = await stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice'] });
    expect(current.status).toBe('active');
    expect((current.latest_invoice as Stripe.Invoice).status).toBe('paid');
  });

  it('emits trial_will_end 3 days before the trial ends and cancels at period end', async () => {
    let stripe: Stripe;
    ({ sb, stripe } = await sandboxWithClient());
    const { customer, price } = await subscribedCustomer(stripe, 'pm_card_visa');
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 10,
    });
    sb.admin.advance({ seconds: 7 * DAY + 1 });
    const willEnd = await stripe.events.list({ type: 'customer.subscription.trial_will_end' });
    expect(willEnd.data).toHaveLength(1);
    await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    sb.admin.advance({ seconds: 3 * DAY });
    const after = await stripe.subscriptions.retrieve(sub.id);
    expect(after.status).toBe('canceled');
    expect((await stripe.events.list({ type: 'customer.subscription.deleted' })).data).toHaveLength(1);
  });

  it('opens a dispute on pm_card_createDispute and closes it days later', async () => {
    let stripe: Stripe;
    ({ sb, stripe } = await sandboxWithClient());
    const { customer, price } = await subscribedCustomer(stripe, 'pm_card_createDispute');
    await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    const [dispute] = (await stripe.disputes.list()).data;
    expect(dispute).toMatchObject({ status: 'needs_response', amount: 2000 });
    expect(dispute!.evidence_details.due_by).toBeGreaterThan(sb.admin.now());
    sb.admin.advance({ seconds: 11 * DAY });
    const closed = await stripe.disputes.retrieve(dispute!.id);
    expect(['won', 'lost']).toContain(closed.status);
    expect((await stripe.events.list({ type: 'charge.dispute.closed' })).data).toHaveLength(1);
  });
});
