import Stripe from 'stripe';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../sandbox/index.ts';

/**
 * A small sandbox account for sync tests: the sandbox's generated history, plus objects created
 * through the official SDK with the secret key, like a user would: customers spread over time,
 * a subscription with more than 10 items and an invoice with more than 10 lines (so nested lists
 * must be paged from their own endpoints), and card numbers planted where a careless user might
 * type them (metadata, description).
 */

export const PLANTED_CARDS = ['4242424242424242', '5555555555554444', '378282246310005'];

export interface TestAccount {
  sandbox: Sandbox;
  stripe: Stripe;
  close(): Promise<void>;
}

export function sdkFor(sandbox: Pick<Sandbox, 'host' | 'port'>, key: string): Stripe {
  return new Stripe(key, { host: sandbox.host, port: sandbox.port, protocol: 'http', maxNetworkRetries: 0 });
}

export async function startTestAccount(
  options: SandboxOptions & { extraCustomers?: number } = {},
): Promise<TestAccount> {
  const { extraCustomers = 30, ...sandboxOptions } = options;
  const sandbox = await startSandbox({ seed: 7, customers: 20, ...sandboxOptions });
  const stripe = sdkFor(sandbox, sandbox.secretKey);
  const product = await stripe.products.create({ name: 'Seats' });
  const prices: Stripe.Price[] = [];
  for (let i = 0; i < 12; i++) {
    prices.push(
      await stripe.prices.create({
        product: product.id,
        currency: 'usd',
        unit_amount: 1000 + i,
        recurring: { interval: 'month' },
      }),
    );
  }
  const customers: Stripe.Customer[] = [];
  for (let i = 0; i < extraCustomers; i++) {
    // Spread creation over simulated days so `created` ranges have something to split.
    sandbox.admin.advance({ seconds: 3600 * 7 });
    const planted = i < PLANTED_CARDS.length ? PLANTED_CARDS[i] : undefined;
    customers.push(
      await stripe.customers.create({
        email: `user${i}@example.com`,
        name: `User ${i}`,
        description: planted ? `card ${planted} given on the phone` : undefined,
        metadata: planted ? { note: planted, spaced: planted.replace(/(\d{4})/g, '$1 ').trim() } : undefined,
        payment_method: 'pm_card_visa',
        invoice_settings: { default_payment_method: 'pm_card_visa' },
      }),
    );
  }
  // More than 10 items: the inline list is cut at 10 and says has_more.
  await stripe.subscriptions.create({
    customer: customers[0]!.id,
    items: prices.slice(0, 12).map((p) => ({ price: p.id })),
  });
  for (const c of customers.slice(1, 8)) {
    await stripe.subscriptions.create({ customer: c.id, items: [{ price: prices[0]!.id }] });
  }
  // An invoice with 12 lines.
  for (let i = 0; i < 12; i++) {
    await stripe.invoiceItems.create({ customer: customers[1]!.id, amount: 100 + i, currency: 'usd' });
  }
  await stripe.invoices.create({ customer: customers[1]!.id, pending_invoice_items_behavior: 'include' });
  return { sandbox, stripe, close: () => sandbox.close() };
}
