import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from './index.ts';
import { client, sandboxWithClient } from './test-helpers.ts';

let sb: Sandbox;
afterEach(() => sb.close());

describe('failures as Stripe makes them', () => {
  it('answers 401 for an unknown key and api_key_expired for a revoked one', async () => {
    ({ sb } = await sandboxWithClient());
    const unknown = client(sb, 'sk_test_doesnotexist1234abcd');
    const e1 = await unknown.customers.list().catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect((e1 as Error).message).toBe('Invalid API Key provided: sk_test_***abcd');
    const rk = sb.admin.createRestrictedKey({ customers: 'read' });
    sb.admin.revokeKey(rk);
    const e2 = await client(sb, rk)
      .customers.list()
      .catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(e2).toMatchObject({
      statusCode: 401,
      code: 'api_key_expired',
      message: `Expired API Key provided: rk_test_***${rk.slice(-4)}`,
    });
  });

  it('answers 403 naming the missing permission for a restricted key', async () => {
    ({ sb } = await sandboxWithClient());
    const ro = client(sb, sb.restrictedKey);
    await expect(ro.customers.list()).resolves.toMatchObject({ object: 'list' });
    const err = await ro.customers.create({ email: 'x@y.io' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect((err as Error).message).toMatch(
      /^The provided key 'rk_test_\*\*\*\w{4}' does not have the required permissions for this endpoint on account 'acct_\w+'\. Having the 'rak_customer_write' permission would allow this request to continue\.$/,
    );
    const noEvents = client(sb, sb.admin.createRestrictedKey({ customers: 'read' }));
    await expect(noEvents.events.list()).rejects.toThrow(/'rak_event_read'/);
  });

  it('limits the global rate with 429 global-rate and the Stripe-Rate-Limited-Reason header', async () => {
    ({ sb } = await sandboxWithClient({ rateLimit: 10 }));
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        fetch(`${sb.apiBase}/v1/customers`, { headers: { Authorization: `Bearer ${sb.secretKey}` } }),
      ),
    );
    const elapsed = (performance.now() - started) / 1000;
    const limited = answers.filter((r) => r.status === 429);
    const allowed = answers.filter((r) => r.status === 200).length;
    // A 10 req/s bucket lets through its burst of 10 plus what refills while the 50 arrive.
    expect(allowed).toBeLessThanOrEqual(10 + Math.ceil(10 * elapsed) + 1);
    expect(limited.length).toBe(50 - allowed);
    if (elapsed < 1) expect(limited.length).toBeGreaterThanOrEqual(30);
    expect(limited[0]!.headers.get('stripe-rate-limited-reason')).toBe('global-rate');
    expect(((await limited[0]!.json()) as { error: { code: string } }).error.code).toBe('rate_limit');
  });

  it('limits per endpoint pattern with endpoint-rate, leaving other endpoints free', async () => {
    ({ sb } = await sandboxWithClient({ endpointRateLimit: 5 }));
    const get = (path: string) =>
      fetch(`${sb.apiBase}${path}`, { headers: { Authorization: `Bearer ${sb.secretKey}` } });
    const started = performance.now();
    const burst = await Promise.all(Array.from({ length: 20 }, () => get('/v1/customers')));
    const elapsed = (performance.now() - started) / 1000;
    const limited = burst.filter((r) => r.status === 429);
    expect(20 - limited.length).toBeLessThanOrEqual(5 + Math.ceil(5 * elapsed) + 1);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.headers.get('stripe-rate-limited-reason')).toBe('endpoint-rate');
    expect((await get('/v1/products')).status).toBe(200);
  });

  it('replays the first answer for a reused idempotency key and refuses different parameters', async () => {
    let stripe: Stripe;
    ({ sb, stripe } = await sandboxWithClient());
    const a = await stripe.customers.create({ email: 'a@acme.com' }, { idempotencyKey: 'k1' });
    const b = await stripe.customers.create({ email: 'a@acme.com' }, { idempotencyKey: 'k1' });
    expect(b.id).toBe(a.id);
    expect(b.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(sb.admin.counts()['customers']).toBe(1);
    const err = await stripe.customers
      .create({ email: 'other@acme.com' }, { idempotencyKey: 'k1' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it('answers 404 resource_missing with param id, and stamps Date with the simulated clock', async () => {
    let stripe: Stripe;
    ({ sb, stripe } = await sandboxWithClient({ now: 1_800_000_000 }));
    const err = await stripe.customers.retrieve('cus_nope').catch((e: unknown) => e);
    expect(err).toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      param: 'id',
      message: "No such customer: 'cus_nope'",
    });
    const res = await fetch(`${sb.apiBase}/v1/customers`, {
      headers: { Authorization: `Bearer ${sb.secretKey}` },
    });
    expect(Date.parse(res.headers.get('date')!) / 1000).toBe(1_800_000_000);
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    expect(res.headers.get('stripe-version')).toBe('2026-10-28.endive');
    const missing = await stripe.subscriptions
      .create({ customer: 'cus_x', items: [] })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ statusCode: 404, param: 'customer' });
  });

  it('injects 500 api_error at the configured fault rate and latency before answering', async () => {
    let stripe: Stripe;
    ({ sb, stripe } = await sandboxWithClient({ faultRate: 1, latencyMs: 60 }));
    const started = performance.now();
    const err = await stripe.customers.list().catch((e: unknown) => e);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(err).toBeInstanceOf(Stripe.errors.StripeAPIError);
    sb.admin.setFaults({ fault_rate: 0, latency_ms: 0 });
    await expect(stripe.customers.list()).resolves.toMatchObject({ object: 'list' });
  });
});
