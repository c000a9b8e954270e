import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from './index.ts';
import { sandboxWithClient } from './test-helpers.ts';

let sb: Sandbox;
let stripe: Stripe;

beforeAll(async () => {
  ({ sb, stripe } = await sandboxWithClient({ customers: 300, seed: 7 }));
});
afterAll(() => sb.close());

describe('lists', () => {
  it('auto-pages over 1,000+ invoices forwards and backwards, each exactly once, newest first', async () => {
    const forward: Stripe.Invoice[] = [];
    for await (const inv of stripe.invoices.list({ limit: 100 })) forward.push(inv);
    expect(forward.length).toBeGreaterThan(1000);
    expect(new Set(forward.map((i) => i.id)).size).toBe(forward.length);
    for (let i = 1; i < forward.length; i++)
      expect(forward[i - 1]!.created).toBeGreaterThanOrEqual(forward[i]!.created);

    const oldest = forward[forward.length - 1]!;
    const backward: string[] = [];
    for await (const inv of stripe.invoices.list({ limit: 100, ending_before: oldest.id }))
      backward.push(inv.id);
    expect(backward.length).toBe(forward.length - 1);
    expect(new Set(backward).size).toBe(backward.length);
    expect(new Set([...backward, oldest.id])).toEqual(new Set(forward.map((i) => i.id)));
  });

  it("lists a customer's payment methods, following attach and detach", async () => {
    const customer = await stripe.customers.create({ email: 'pm-list@example.com' });
    const ids = async () =>
      (await stripe.customers.listPaymentMethods(customer.id, { limit: 100 })).data.map((p) => p.id);
    expect(await ids()).toEqual([]);
    const pm = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } });
    await stripe.paymentMethods.attach(pm.id, { customer: customer.id });
    expect(await ids()).toEqual([pm.id]);
    // Another customer's list is not affected.
    const other = (await stripe.customers.list({ limit: 5 })).data.find((c) => c.id !== customer.id)!;
    const others = await stripe.customers.listPaymentMethods(other.id, { limit: 100 });
    expect(others.data.every((p) => p.customer === other.id)).toBe(true);
    await stripe.paymentMethods.detach(pm.id);
    expect(await ids()).toEqual([]);
  });

  it('filters by created range with gte/lt bounds', async () => {
    const all = await stripe.customers.list({ limit: 100 });
    const pivot = all.data[50]!.created;
    const newer = await stripe.customers.list({ limit: 100, created: { gte: pivot } });
    expect(newer.data.length).toBeGreaterThan(0);
    expect(newer.data.every((c) => c.created >= pivot)).toBe(true);
    const older = await stripe.customers.list({ limit: 100, created: { lt: pivot } });
    expect(older.data.every((c) => c.created < pivot)).toBe(true);
  });

  it('hides canceled subscriptions unless status=all', async () => {
    const ids = async (params: Stripe.SubscriptionListParams) => {
      const out: Stripe.Subscription[] = [];
      for await (const s of stripe.subscriptions.list({ limit: 100, ...params })) out.push(s);
      return out;
    };
    const visible = await ids({});
    const all = await ids({ status: 'all' });
    expect(visible.some((s) => s.status === 'canceled')).toBe(false);
    expect(all.some((s) => s.status === 'canceled')).toBe(true);
    expect(all.length).toBeGreaterThan(visible.length);
  });

  it('expands data.customer on a list and customer on one object', async () => {
    const page = await stripe.subscriptions.list({ limit: 3, expand: ['data.customer'] });
    expect(typeof page.data[0]!.customer).toBe('object');
    expect((page.data[0]!.customer as Stripe.Customer).object).toBe('customer');
    const one = await stripe.invoices.retrieve(page.data[0]!.latest_invoice as string, {
      expand: ['customer', 'payments.data.payment.payment_intent'],
    });
    expect((one.customer as Stripe.Customer).id).toBe((page.data[0]!.customer as Stripe.Customer).id);
  });

  it('answers 400 with param limit when limit is out of range', async () => {
    await expect(stripe.customers.list({ limit: 101 })).rejects.toMatchObject({
      statusCode: 400,
      param: 'limit',
      type: 'StripeInvalidRequestError',
    });
  });

  it('inlines 10 invoice lines with has_more and pages the rest from /lines', async () => {
    const customer = await stripe.customers.create({ email: 'many@lines.io' });
    for (let i = 0; i < 13; i++)
      await stripe.invoiceItems.create({ customer: customer.id, amount: 100 + i, currency: 'usd' });
    const inv = await stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: 'include',
    });
    expect(inv.lines.data).toHaveLength(10);
    expect(inv.lines.has_more).toBe(true);
    expect(inv.lines.url).toBe(`/v1/invoices/${inv.id}/lines`);
    const lines: string[] = [];
    for await (const l of stripe.invoices.listLineItems(inv.id, { limit: 5 })) lines.push(l.id);
    expect(new Set(lines).size).toBe(13);
    expect(inv.amount_due).toBe(13 * 100 + 78);
  });

  it('keeps events to the last 30 days of the simulated clock and filters by type', async () => {
    const now = sb.admin.now();
    const events: Stripe.Event[] = [];
    for await (const e of stripe.events.list({
      limit: 100,
      types: ['invoice.paid', 'invoice.payment_failed'],
    }))
      events.push(e);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.created >= now - 30 * 86400)).toBe(true);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['invoice.paid', 'invoice.payment_failed']));
  });
});
