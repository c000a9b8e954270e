// Each resource's JSON has the keys and value types of Stripe's published fixture
// (shared/stripe/fixtures3.json). A value may be null where the fixture shows a sample value.
import { readFileSync } from 'node:fs';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from './index.ts';
import { sandboxWithClient } from './test-helpers.ts';

type Json = Record<string, unknown>;
const fixtures = (
  JSON.parse(readFileSync(new URL('../../shared/stripe/fixtures3.json', import.meta.url), 'utf8')) as {
    resources: Record<string, Json>;
  }
).resources;

/**
 * Fixture keys this API version (2026-10-28.endive) no longer renders, per stripe-facts.md, or
 * that only exist on legacy sources/objects. Listed so that every other key is enforced.
 */
const REMOVED: Record<string, string[]> = {
  invoice: ['subscription'],
};

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Differences between our object and the fixture, one line each. */
function diff(ours: Json, fixture: Json, path: string, removed: string[], depth = 0): string[] {
  const out: string[] = [];
  for (const [k, fv] of Object.entries(fixture)) {
    if (depth === 0 && removed.includes(k)) continue;
    if (!(k in ours)) {
      out.push(`${path}${k}: missing`);
      continue;
    }
    const ov = ours[k];
    if (fv === null || ov === null) continue;
    if (kind(ov) !== kind(fv)) out.push(`${path}${k}: ${kind(ov)} where Stripe has ${kind(fv)}`);
    // Nested resources (data.object, item.price) and free-form metadata are checked on their own.
    else if (kind(fv) === 'object' && depth < 2 && !('object' in (fv as Json)) && k !== 'metadata') {
      out.push(...diff(ov as Json, fv as Json, `${path}${k}.`, removed, depth + 1));
    }
  }
  return out;
}

let sb: Sandbox;
let stripe: Stripe;
const samples: Record<string, Json> = {};

async function raw(path: string): Promise<Json> {
  const res = await fetch(`${sb.apiBase}${path}`, { headers: { Authorization: `Bearer ${sb.secretKey}` } });
  return (await res.json()) as Json;
}
async function first(path: string): Promise<Json> {
  const list = await raw(path);
  const data = list['data'] as Json[];
  if (!data?.length) throw new Error(`no sample at ${path}`);
  return data[0]!;
}

beforeAll(async () => {
  ({ sb, stripe } = await sandboxWithClient({ customers: 150, seed: 3 }));
  const we = await stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/x', enabled_events: ['*'] });
  const cus = await stripe.customers.create({ email: 'c@acme.com' });
  const ii = await stripe.invoiceItems.create({ customer: cus.id, amount: 500, currency: 'usd' });
  const sub = await first('/v1/subscriptions');
  const inv = await first('/v1/invoices?status=paid');
  const discounted = (await raw('/v1/subscriptions?status=all&limit=100')).data as Json[];
  Object.assign(samples, {
    customer: await first('/v1/customers'),
    product: await first('/v1/products'),
    price: await first('/v1/prices'),
    coupon: await first('/v1/coupons'),
    discount: (discounted.find((s) => (s['discounts'] as unknown[]).length > 0)!['discounts'] as Json[])[0],
    subscription: sub,
    subscription_item: await first(`/v1/subscription_items?subscription=${sub['id']}`),
    invoice: inv,
    line_item: await first(`/v1/invoices/${inv['id']}/lines`),
    invoiceitem: await raw(`/v1/invoiceitems/${ii.id}`),
    payment_intent: await first('/v1/payment_intents'),
    charge: await first('/v1/charges'),
    payment_method: await first('/v1/payment_methods'),
    refund: await first('/v1/refunds'),
    dispute: await first('/v1/disputes'),
    payout: await first('/v1/payouts'),
    balance_transaction: await first('/v1/balance_transactions'),
    credit_note: await first('/v1/credit_notes'),
    event: await first('/v1/events'),
    webhook_endpoint: await raw(`/v1/webhook_endpoints/${we.id}`),
  });
});
afterAll(() => sb.close());

describe('resource shapes match the published fixtures', () => {
  const names = [
    'customer',
    'product',
    'price',
    'coupon',
    'discount',
    'subscription',
    'subscription_item',
    'invoice',
    'line_item',
    'invoiceitem',
    'payment_intent',
    'charge',
    'payment_method',
    'refund',
    'dispute',
    'payout',
    'balance_transaction',
    'credit_note',
    'event',
    'webhook_endpoint',
  ];
  for (const name of names) {
    it(`${name} has the fixture's keys and value types`, () => {
      const ours = samples[name]!;
      expect(ours, `no ${name} sample`).toBeTruthy();
      expect(ours['object']).toBe(fixtures[name]!['object']);
      expect(diff(ours, fixtures[name]!, '', REMOVED[name] ?? [])).toEqual([]);
    });
  }

  it('the checker itself catches a missing key and a wrong type', () => {
    const broken: Json = { ...samples['customer']!, balance: '0' };
    delete broken['email'];
    expect(diff(broken, fixtures['customer']!, '', []).sort()).toEqual([
      'balance: string where Stripe has number',
      'email: missing',
    ]);
  });
});
