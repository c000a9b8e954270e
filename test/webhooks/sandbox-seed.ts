import Stripe from 'stripe';
import type { Sandbox } from '../../sandbox/index.ts';

/**
 * Creates billing activity in the sandbox through the official SDK, the way an account's own
 * integration would: a catalog, customers with working and failing cards, subscriptions.
 */
export function sandboxSdk(sandbox: Sandbox): Stripe {
  const url = new URL(sandbox.apiBase);
  return new Stripe(sandbox.secretKey, {
    host: url.hostname,
    port: Number(url.port),
    protocol: 'http',
    maxNetworkRetries: 0,
  });
}

export async function seedSandbox(sandbox: Sandbox, options: { customers: number }): Promise<void> {
  const stripe = sandboxSdk(sandbox);
  const product = await stripe.products.create({ name: 'Team plan' });
  const monthly = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 2900,
    recurring: { interval: 'month' },
  });
  const weekly = await stripe.prices.create({
    product: product.id,
    currency: 'eur',
    unit_amount: 900,
    recurring: { interval: 'week' },
  });
  for (let i = 0; i < options.customers; i++) {
    const customer = await stripe.customers.create({
      email: `owner${i}@company${i}.test`,
      name: `Company ${i}`,
    });
    // Every fifth customer's card declines: failed payments, retries, past_due.
    const card = i % 5 === 4 ? 'pm_card_chargeCustomerFail' : 'pm_card_visa';
    const pm = await stripe.paymentMethods.attach(card, { customer: customer.id });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
    await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: i % 3 === 0 ? weekly.id : monthly.id, quantity: 1 + (i % 4) }],
      ...(i % 6 === 1 ? { trial_period_days: 14 } : {}),
    });
    if (i % 7 === 3) await stripe.customers.update(customer.id, { metadata: { tier: 'gold' } });
  }
}
