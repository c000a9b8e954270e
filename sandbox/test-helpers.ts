// Shared set-up for the sandbox's own tests: a sandbox plus an SDK client pointed at it.
import Stripe from 'stripe';
import { type Sandbox, type SandboxOptions, startSandbox } from './index.ts';

export async function sandboxWithClient(
  options: SandboxOptions = {},
): Promise<{ sb: Sandbox; stripe: Stripe }> {
  const sb = await startSandbox(options);
  return { sb, stripe: client(sb, sb.secretKey) };
}

export function client(sb: Sandbox, key: string): Stripe {
  return new Stripe(key, { host: '127.0.0.1', port: sb.port, protocol: 'http', maxNetworkRetries: 0 });
}

/** A customer paying with `card` for a monthly `amount` usd subscription. */
export async function subscribedCustomer(stripe: Stripe, card: string, amount = 2000) {
  const customer = await stripe.customers.create({ email: 'ops@acme.com' });
  const pm = await stripe.paymentMethods.attach(card, { customer: customer.id });
  await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
  const product = await stripe.products.create({ name: 'Pro' });
  const price = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: amount,
    recurring: { interval: 'month' },
  });
  return { customer, pm, price };
}
