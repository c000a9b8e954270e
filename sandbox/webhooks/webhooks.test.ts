import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../index.ts';
import { sandboxWithClient, subscribedCustomer } from '../test-helpers.ts';

type Received = { body: string; signature: string };

/** A local receiver that answers with `status(n)` for the n-th delivery. */
async function receiver(
  status: (n: number) => number = () => 200,
): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({
        body: Buffer.concat(chunks).toString('utf8'),
        signature: String(req.headers['stripe-signature']),
      });
      res.writeHead(status(got.length)).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got, server };
}

let sb: Sandbox;
let rx: Awaited<ReturnType<typeof receiver>>;
afterEach(async () => {
  await sb.close();
  rx.server.close();
});

const verifier = new Stripe('sk_test_unused');

describe('webhook delivery', () => {
  it('signs every delivery so stripe.webhooks.constructEvent verifies it', async () => {
    rx = await receiver();
    let stripe: Stripe;
    ({ sb, stripe } = await sandboxWithClient({ webhookUrl: rx.url }));
    const { customer, price } = await subscribedCustomer(stripe, 'pm_card_visa');
    await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    await sb.admin.waitForDeliveries();
    expect(rx.got.length).toBe(sb.admin.counts()['events']);
    for (const d of rx.got) {
      const evt = verifier.webhooks.constructEvent(d.body, d.signature, sb.webhookSecret);
      expect(evt.api_version).toBe('2026-10-28.endive');
    }
    expect(() =>
      verifier.webhooks.constructEvent(rx.got[0]!.body, rx.got[0]!.signature, 'whsec_wrong'),
    ).toThrow();
    expect(sb.admin.deliveries().every((d) => d.status_code === 200 && d.attempt === 1)).toBe(true);
  });

  it('signs with both secrets while one is being rolled', async () => {
    rx = await receiver();
    let stripe: Stripe;
    ({ sb, stripe } = await sandboxWithClient({ webhookUrl: rx.url }));
    const fresh = sb.admin.rollWebhookSecret({ expiresInSeconds: 3600 });
    await stripe.customers.create({ email: 'roll@acme.com' });
    await sb.admin.waitForDeliveries();
    const { body, signature } = rx.got[0]!;
    expect(signature.match(/v1=/g)).toHaveLength(2);
    expect(verifier.webhooks.constructEvent(body, signature, fresh).type).toBe('customer.created');
    expect(verifier.webhooks.constructEvent(body, signature, sb.webhookSecret).type).toBe('customer.created');
  });

  it('retries failed deliveries on the schedule and logs each attempt', async () => {
    rx = await receiver((n) => (n <= 2 ? 500 : 200));
    let stripe: Stripe;
    ({ sb, stripe } = await sandboxWithClient({
      webhookUrl: rx.url,
      webhookRetrySchedule: [0.01, 0.01, 0.01],
    }));
    await stripe.customers.create({ email: 'retry@acme.com' });
    await new Promise((r) => setTimeout(r, 150));
    await sb.admin.waitForDeliveries();
    const log = sb.admin.deliveries();
    expect(log.map((d) => [d.attempt, d.status_code])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    expect(new Set(rx.got.map((g) => (JSON.parse(g.body) as { id: string }).id)).size).toBe(1);
  });

  it('delivers endpoint events filtered by enabled_events, duplicated and in the legacy shape on request', async () => {
    rx = await receiver();
    let stripe: Stripe;
    ({ sb, stripe } = await sandboxWithClient());
    const we = await stripe.webhookEndpoints.create({ url: rx.url, enabled_events: ['invoice.paid'] });
    expect(we.secret).toMatch(/^whsec_/);
    sb.admin.setWebhookSettings({ duplicates: true, legacy_shape: true });
    const { customer, price } = await subscribedCustomer(stripe, 'pm_card_visa');
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    await sb.admin.waitForDeliveries();
    expect(rx.got).toHaveLength(2);
    const evt = verifier.webhooks.constructEvent(rx.got[0]!.body, rx.got[0]!.signature, we.secret!);
    expect(evt.type).toBe('invoice.paid');
    expect(evt.api_version).toBe('2023-10-16');
    const inv = evt.data.object as unknown as Record<string, unknown>;
    expect(inv['subscription']).toBe(sub.id);
    expect(inv['charge']).toMatch(/^ch_/);
    expect(inv['parent']).toBeUndefined();
    expect(rx.got[1]!.body).toBe(rx.got[0]!.body);
  });
});
