import { afterAll, beforeAll, expect, it } from 'vitest';
import { saveConnector } from '../../src/connector/connectors.ts';
import { createVault } from '../../src/connector/vault.ts';
import { FAMILIES } from '../../src/store/families.ts';
import { createStripeClient } from '../../src/stripe/client.ts';
import { backfill } from '../../src/sync/backfill.ts';
import { describeEachStore } from '../support/stores.ts';
import { PLANTED_CARDS, startTestAccount, type TestAccount } from './account.ts';
import { differences, sandboxTruth, storeView } from './truth.ts';

const vault = createVault(Buffer.alloc(32, 3));
const FAST_RETRIES = { baseDelayMs: 20, maxDelayMs: 200, maxRetryAfterMs: 200 };

describeEachStore('backfill against the sandbox', ({ store }) => {
  let account: TestAccount;
  beforeAll(async () => {
    account = await startTestAccount();
  });
  afterAll(async () => {
    await account?.close();
  });

  const connect = async (id: string) => {
    await saveConnector(store().db, vault, {
      id,
      workspaceId: 'default',
      apiKey: account.sandbox.secretKey,
      apiBase: account.sandbox.apiBase,
    });
    return { workspaceId: 'default', connectorId: id };
  };
  const client = () =>
    createStripeClient({
      apiKey: account.sandbox.secretKey,
      apiBase: account.sandbox.apiBase,
      rateLimitRps: 500,
      retryPolicy: FAST_RETRIES,
      maxRetries: 20,
    });

  it('stores exactly what Stripe lists, for every family, and proves it', async () => {
    const scope = await connect('conn_full');
    const result = await backfill({ db: store().db, client: client(), scope });
    expect(result.complete).toBe(true);
    expect(result.resumed).toBe(false);
    const truth = await sandboxTruth(account.stripe);
    expect(differences(truth, await storeView(store().db, 'conn_full'))).toEqual({});
    for (const [family, ids] of Object.entries(truth)) {
      expect(result.families[family], family).toMatchObject({
        listed: ids.size,
        stored: ids.size,
        missing: 0,
        extra: 0,
      });
    }
    // The nested lists past 10 entries came from their own endpoints.
    expect(truth.subscription_items!.size).toBeGreaterThan(10);
    expect(Math.max(...FAMILIES.map((f) => truth[f.family]?.size ?? 0))).toBeGreaterThan(100);
  });

  it('completes under a small budget, where one payment-methods task is more than its share', async () => {
    const scope = await connect('conn_small_budget');
    const small = createStripeClient({
      apiKey: account.sandbox.secretKey,
      apiBase: account.sandbox.apiBase,
      rateLimitRps: 12,
      retryPolicy: FAST_RETRIES,
    });
    const result = await backfill({ db: store().db, client: small, scope });
    expect(result.complete).toBe(true);
    expect(result.families.payment_methods).toMatchObject({ missing: 0, extra: 0 });
    expect(result.families.payment_methods!.listed).toBeGreaterThan(0);
    // The budget held: no faster than 12/s plus its initial burst.
    expect(result.requests_per_second).toBeLessThanOrEqual(12 * 1.1);
  });

  it('never stores a planted card number', async () => {
    for (const spec of FAMILIES) {
      const { rows } = await store().db.query<{ text: string }>(
        `SELECT data::text AS text FROM ${spec.table} WHERE connector_id = 'conn_full'`,
      );
      for (const row of rows) {
        for (const card of PLANTED_CARDS) {
          expect(row.text.replace(/[\s-]/g, '')).not.toContain(card);
        }
      }
    }
    const { rows } = await store().db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM stripe_customers WHERE connector_id = 'conn_full' AND data::text LIKE '%given on the phone%'`,
    );
    expect(rows[0]!.n).toBeGreaterThan(0);
  });

  it('completes with 429s and 500s injected, retrying within one budget', async () => {
    const scope = await connect('conn_faults');
    // 20% 500s: a backfill of this account makes dozens of requests, so seeing none would take
    // luck of under 1 in 10,000 (at 5% it failed about 1 run in 20). 429s come from the limits.
    account.sandbox.admin.setFaults({ fault_rate: 0.2, rate_limit: 25, endpoint_rate_limit: 8 });
    try {
      const c = createStripeClient({
        apiKey: account.sandbox.secretKey,
        apiBase: account.sandbox.apiBase,
        rateLimitRps: 70,
        retryPolicy: FAST_RETRIES,
        maxRetries: 30,
      });
      const result = await backfill({ db: store().db, client: c, scope });
      expect(result.complete).toBe(true);
      expect(c.stats.errors.api_error).toBeGreaterThan(0);
      expect(c.stats.rateLimited).toBeGreaterThan(0);
      expect(c.stats.retries).toBe(c.stats.errors.api_error + c.stats.rateLimited);
    } finally {
      account.sandbox.admin.setFaults({ fault_rate: 0, rate_limit: null, endpoint_rate_limit: null });
    }
    const truth = await sandboxTruth(account.stripe);
    expect(differences(truth, await storeView(store().db, 'conn_faults'))).toEqual({});
  });

  it('on a re-sync, marks objects deleted in Stripe meanwhile, and keeps the rest', async () => {
    const scope = await connect('conn_full');
    const gone = (await account.stripe.customers.list({ limit: 2 })).data;
    for (const c of gone) await account.stripe.customers.del(c.id);
    const result = await backfill({ db: store().db, client: client(), scope });
    expect(result.complete).toBe(true);
    expect(result.deleted).toBeGreaterThanOrEqual(2);
    const { rows } = await store().db.query<{ id: string; deleted: boolean }>(
      `SELECT id, deleted FROM stripe_customers WHERE connector_id = 'conn_full' AND id = ANY($1::text[])`,
      [gone.map((c) => c.id)],
    );
    expect(rows.map((r) => r.deleted)).toEqual([true, true]);
    expect(differences(await sandboxTruth(account.stripe), await storeView(store().db, 'conn_full'))).toEqual(
      {},
    );
  });

  it('syncs with the connector page’s five permissions, leaving out (and naming) the rest', async () => {
    const scope = await connect('conn_five');
    const key = account.sandbox.admin.createRestrictedKey({
      customers: 'read',
      subscriptions: 'read',
      invoices: 'read',
      charges: 'read',
      events: 'read',
    });
    const c = createStripeClient({ apiKey: key, apiBase: account.sandbox.apiBase, rateLimitRps: 500 });
    const result = await backfill({ db: store().db, client: c, scope });
    expect(result.complete).toBe(true);
    expect(result.skipped.payouts).toBe('Payouts read (read_only.payouts) not granted');
    expect(result.skipped.payment_methods).toBe(
      'Payment methods read (read_only.payment_methods) not granted',
    );
    const listed = await account.stripe.customers.list({ limit: 100 });
    expect(result.families.customers!.stored).toBe(listed.data.length);
    expect(result.families.events!.missing).toBe(0);
  });

  it('resumes an interrupted run without re-reading finished ranges', async () => {
    const scope = await connect('conn_resume');
    const controller = new AbortController();
    let pages = 0;
    const first = backfill({
      db: store().db,
      client: client(),
      scope,
      workers: 2,
      signal: controller.signal,
      onProgress: () => {
        if (++pages === 8) controller.abort(new Error('stop'));
      },
    });
    await expect(first).rejects.toThrow(/interrupted/);
    const { rows: before } = await store().db.query<{ family: string; done: boolean; pages: number }>(
      `SELECT r.family, r.done, r.pages FROM sync_ranges r JOIN sync_runs s ON s.id = r.run_id
       WHERE s.connector_id = 'conn_resume' AND s.status = 'interrupted'`,
    );
    const families = [...new Set(before.map((r) => r.family))];
    const finished = families.filter((f) => before.every((r) => r.family !== f || r.done));
    expect(finished.length).toBeGreaterThan(0);
    const c = client();
    const result = await backfill({ db: store().db, client: c, scope });
    expect(result.resumed).toBe(true);
    expect(result.complete).toBe(true);
    const listPaths = FAMILIES.filter((f) => finished.includes(f.family) && f.listPath).map(
      (f) => f.listPath!,
    );
    for (const path of listPaths) expect(c.stats.byEndpoint.get(path)?.requests ?? 0, path).toBe(0);
    expect(
      differences(await sandboxTruth(account.stripe), await storeView(store().db, 'conn_resume')),
    ).toEqual({});
  });
});
