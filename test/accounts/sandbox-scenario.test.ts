import Stripe from 'stripe';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/index.ts';
import { createAfterApplyHook } from '../../src/accounts/after-apply.ts';
import { getAccountSummary } from '../../src/accounts/summaries.ts';
import { accountTimeline } from '../../src/accounts/timeline.ts';
import { saveConnector } from '../../src/connector/connectors.ts';
import type { AfterApplyHook } from '../../src/webhooks/apply-event.ts';
import { describeEachStore } from '../support/stores.ts';
import { type Harness, startHarness, waitFor } from '../webhooks/support.ts';

/**
 * A customer's card starts failing, end to end: the official SDK drives the sandbox, the sandbox
 * delivers signed webhooks over HTTP to the real intake, the webhook worker applies them and runs the
 * accounts hook in its transaction. Asserted: what a user sees on the account (health, reasons with
 * their evidence, payment status) and in its timeline, at each step.
 */

const DAY = 86_400;

describeEachStore('an account through a failing card and its recovery (sandbox, webhooks)', ({ store }) => {
  let sandbox: Sandbox;
  let h: Harness;
  let stripe: Stripe;

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 11, webhookTimeoutMs: 120_000 });
    // The figures hold for the sandbox's simulated clock, as they would for the wall clock in serve.
    const hook = createAfterApplyHook({ now: () => sandbox.admin.now() });
    h = await startHarness(store().db, {
      workers: 1,
      apiKey: sandbox.secretKey,
      apiBase: sandbox.apiBase,
      afterApply: [hook as AfterApplyHook],
      // as in serve: same-second states of one object are settled by re-reading it from Stripe
      withClient: true,
    });
    const endpoint = sandbox.admin.addWebhookEndpoint(`${h.url}/webhooks/stripe/${h.connectorId}`);
    await saveConnector(h.db, h.vault, {
      id: h.connectorId,
      workspaceId: 'default',
      apiKey: sandbox.secretKey,
      apiBase: sandbox.apiBase,
      webhookSecret: endpoint.secret,
    });
    h.webhooks.connectors.invalidate();
    stripe = new Stripe(sandbox.secretKey, {
      host: '127.0.0.1',
      port: sandbox.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await sandbox?.close();
  });

  /** Every delivery accepted and every inbox event applied (the worker is asynchronous). */
  async function settled() {
    await sandbox.admin.waitForDeliveries();
    const refused = sandbox.admin
      .deliveries()
      .filter((d) => d.url.includes(h.connectorId) && d.status_code !== 200);
    expect(refused.map((d) => `${d.event_type}: ${d.status_code} ${d.error}`)).toEqual([]);
    await waitFor(
      async () =>
        (
          await h.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM webhook_inbox WHERE connector_id = $1 AND status IN ('pending', 'failed')`,
            [h.connectorId],
          )
        ).rows[0]!.n,
      (n) => n === 0,
      120_000,
    );
  }

  async function accountOf(customerId: string) {
    const { rows } = await h.db.query<{ account_id: string }>(
      'SELECT account_id FROM account_customers WHERE connector_id = $1 AND customer_id = $2',
      [h.connectorId, customerId],
    );
    expect(rows).toHaveLength(1);
    const found = await getAccountSummary(h.db, 'default', rows[0]!.account_id);
    return { id: rows[0]!.account_id, ...found! };
  }

  async function setDefaultCard(customerId: string, testCard: string): Promise<string> {
    const pm = await stripe.paymentMethods.attach(testCard, { customer: customerId });
    await stripe.customers.update(customerId, { invoice_settings: { default_payment_method: pm.id } });
    return pm.id;
  }

  it('goes healthy → at_risk (payment_failed) → delinquent → healthy, each step in the timeline', async () => {
    const customer = await stripe.customers.create({
      email: 'billing@northwind-labs.io',
      name: 'Northwind Labs',
    });
    await setDefaultCard(customer.id, 'pm_card_visa');
    const product = await stripe.products.create({ name: 'Team' });
    const price = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 4_900,
      recurring: { interval: 'month' },
    });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    expect(sub.status).toBe('active');
    await settled();

    // 1. Subscribed and paid: an account made from the customer, on its company domain.
    let account = await accountOf(customer.id);
    expect(account.summary).toMatchObject({
      name: 'Northwind Labs',
      domain: 'northwind-labs.io',
      health: 'healthy',
      payment_status: 'current',
      mrr_by_currency: { usd: 4_900 },
    });

    // 2. The card fails at renewal.
    await setDefaultCard(customer.id, 'pm_card_chargeCustomerFail');
    sandbox.admin.advance({ seconds: 31 * DAY + 3_600 });
    await settled();
    const renewal = (await stripe.invoices.list({ customer: customer.id, status: 'open' })).data[0]!;
    expect(renewal.attempt_count).toBe(1);
    account = await accountOf(customer.id);
    expect(account.summary).toMatchObject({ health: 'at_risk', payment_status: 'past_due' });
    const failed = account.reasons.find((r) => r.code === 'payment_failed');
    expect(failed?.evidence).toMatchObject({
      invoiceId: renewal.id,
      attemptCount: 1,
      amountRemaining: 4_900,
    });
    expect(failed?.message).toContain(renewal.id);
    expect(failed?.message).toContain('$49.00');

    // 3. Every retry fails (+3, +5, +7 days): the subscription ends unpaid.
    sandbox.admin.advance({ seconds: 16 * DAY });
    await settled();
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('unpaid');
    account = await accountOf(customer.id);
    expect(account.summary).toMatchObject({ health: 'delinquent', payment_status: 'unpaid' });
    expect(account.reasons.map((r) => r.code)).toContain('unpaid');
    expect(account.reasons.find((r) => r.code === 'unpaid')?.evidence).toMatchObject({
      subscriptionId: sub.id,
    });

    // 4. A week later a working card is set and the invoice paid by hand: healthy again (the last
    //    failed charge is now more than 7 days old).
    sandbox.admin.advance({ seconds: 8 * DAY });
    await setDefaultCard(customer.id, 'pm_card_visa');
    const paid = await stripe.invoices.pay(renewal.id);
    expect(paid.status).toBe('paid');
    await settled();
    account = await accountOf(customer.id);
    expect(account.summary).toMatchObject({
      health: 'healthy',
      payment_status: 'current',
      days_past_due: 0,
      mrr_by_currency: { usd: 4_900 },
    });

    // The timeline (what GET /api/accounts/:id/timeline answers), oldest first here.
    const timeline = (await accountTimeline(h.db, account.id)).reverse();
    const texts = timeline.map((e) => e.text);
    const failures = timeline.filter((e) => e.type === 'payment_failed');
    expect(failures).toHaveLength(4);
    expect(failures.every((e) => e.object_id === renewal.id)).toBe(true);
    expect(failures[0]!.text).toMatch(/^Payment of \$49\.00 failed: .*next retry/);
    expect(failures[3]!.text).toContain('no retry scheduled');
    const paidEntry = timeline.findIndex((e) => e.type === 'invoice_paid' && e.object_id === renewal.id);
    expect(paidEntry).toBeGreaterThan(timeline.indexOf(failures[3]!));
    expect(texts[paidEntry]).toBe(`Invoice ${renewal.id} paid: $49.00`);
    const statuses = timeline.filter((e) => e.type === 'subscription_status_changed').map((e) => e.text);
    expect(statuses).toEqual([
      'Subscription past due: a payment failed and Stripe is retrying',
      'Subscription unpaid: Stripe stopped retrying and it no longer bills',
      'Subscription active again (was unpaid)',
    ]);
  }, 600_000);
});
