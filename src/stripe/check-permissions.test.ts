import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/index.ts';
import { checkPermissions } from './check-permissions.ts';
import { createStripeClient } from './client.ts';
import { REVOKED_KEY_MESSAGE, StripeRequestError } from './errors.ts';

describe('Stripe client against the sandbox', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 4, customers: 3 });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('names each missing required permission of a restricted key', async () => {
    const key = sandbox.admin.createRestrictedKey({ customers: 'read', invoices: 'read', charges: 'read' });
    const client = createStripeClient({ apiKey: key, apiBase: sandbox.apiBase });
    const check = await checkPermissions(client);
    expect(check.ok).toBe(false);
    expect(check.missing.map((p) => p.label)).toEqual([
      'Subscriptions read (read_only.subscriptions)',
      'Events read (read_only.events)',
    ]);
    expect(check.granted).toHaveLength(3);
  });

  it('throws the troubleshooting text for a revoked key, counted per endpoint pattern', async () => {
    const key = sandbox.admin.createRestrictedKey({ customers: 'read' });
    sandbox.admin.revokeKey(key);
    const registry = new Registry();
    const client = createStripeClient({ apiKey: key, apiBase: sandbox.apiBase, registry, connectorId: 'c1' });
    const error = await client.list('/v1/customers', { limit: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StripeRequestError);
    expect((error as StripeRequestError).kind).toBe('authentication');
    expect((error as Error).message).toBe(REVOKED_KEY_MESSAGE);
    expect(client.stats.errors.authentication).toBe(1);
    const metrics = await registry.metrics();
    expect(metrics).toContain(
      'atlas_stripe_errors_total{endpoint="/v1/customers",connector="c1",kind="authentication"} 1',
    );
    expect(metrics).not.toContain(key);
  });

  it('answers a page with the sandbox clock as the ordering marker', async () => {
    const client = createStripeClient({ apiKey: sandbox.secretKey, apiBase: sandbox.apiBase });
    const page = await client.list('/v1/customers', { limit: 2 });
    expect(page.data).toHaveLength(2);
    expect(page.has_more).toBe(true);
    expect(Math.floor(page.sourceTs / 1000)).toBe(sandbox.admin.now());
    expect(client.stats.requests).toBe(1);
    expect(client.budget.taken).toBe(1);
  });
});
