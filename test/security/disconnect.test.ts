import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import Stripe from 'stripe';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/index.ts';
import { createApiToken } from '../../src/auth/tokens.ts';
import { recordApiError } from '../../src/connector/api-errors.ts';
import { connectorTables } from '../../src/connector/erase.ts';
import { createVault } from '../../src/connector/vault.ts';
import type { Db } from '../../src/db/client.ts';
import { createSyncRunner, type SyncRunner } from '../../src/sync/runner.ts';
import { createWebhookService, type WebhookService } from '../../src/webhooks/service.ts';
import { describeEachStore } from '../support/stores.ts';
import { buildTestApp, TEST_VAULT_KEY } from './harness.ts';

/** Rows per connector in every table that has a connector_id column. */
async function countsFor(db: Db, connectorId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of await connectorTables(db)) {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${table}" WHERE connector_id = $1`,
      [connectorId],
    );
    out[table] = rows[0]!.n;
  }
  return out;
}

describeEachStore('disconnect and delete', ({ store }) => {
  let sandbox: Sandbox;
  let app: FastifyInstance;
  let sync: SyncRunner;
  let webhooks: WebhookService;
  let auth: { authorization: string };
  let appUrl: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 11, customers: 6 });
    const { db } = store();
    const vault = createVault(TEST_VAULT_KEY);
    sync = createSyncRunner({ db, vault });
    webhooks = createWebhookService({ db, vault, registry: new Registry(), workers: 0 });
    app = await buildTestApp(db, { vault, deps: { sync, webhooks } });
    appUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    auth = {
      authorization: `Bearer ${(await createApiToken(db, { workspaceId: 'default', name: 'w' })).token}`,
    };
  });
  afterAll(async () => {
    await sync?.close();
    await app?.close();
    await sandbox?.close();
  });

  async function connectAndFill(name: string): Promise<string> {
    const res = await app.inject({
      method: 'POST',
      url: '/api/connectors',
      headers: auth,
      payload: {
        api_key: sandbox.restrictedKey,
        webhook_secret: sandbox.webhookSecret,
        api_base: sandbox.apiBase,
        name,
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().sync_started).toBe(true);
    const id = res.json().connector.id as string;
    await sync.wait(id);
    // A Stripe endpoint for this connector, its secret rolled in: deliveries land in its inbox.
    const endpoint = sandbox.admin.addWebhookEndpoint(`${appUrl}/webhooks/stripe/${id}`);
    const rolled = await app.inject({
      method: 'POST',
      url: `/api/connectors/${id}/roll`,
      headers: auth,
      payload: { webhook_secret: endpoint.secret },
    });
    expect(rolled.statusCode).toBe(200);
    await recordApiError(store().db, { connectorId: id, kind: 'rate_limited', message: 'test' });
    await store().db.query(
      `INSERT INTO accounts (id, workspace_id, name, connector_id) VALUES ($1, 'default', $2, $3)`,
      [`acct_${name}`, `From Stripe ${name}`, id],
    );
    return id;
  }

  it('erases every row of that connector, table by table, and nothing of another', async () => {
    const { db } = store();
    const a = await connectAndFill('a');
    const b = await connectAndFill('b');
    await db.query(
      `INSERT INTO accounts (id, workspace_id, name) VALUES ('acct_hand', 'default', 'Made by hand')`,
    );
    const stripe = new Stripe(sandbox.secretKey, { host: '127.0.0.1', port: sandbox.port, protocol: 'http' });
    await stripe.customers.create({ email: 'late@example.com' });
    await sandbox.admin.waitForDeliveries();
    await webhooks.stats.flush();

    const beforeA = await countsFor(db, a);
    const beforeB = await countsFor(db, b);
    const filled = Object.entries(beforeA)
      .filter(([, n]) => n > 0)
      .map(([t]) => t);
    // The test means something only if A has rows in the sync, webhook, store and accounts tables.
    expect(filled).toEqual(
      expect.arrayContaining([
        'stripe_customers',
        'stripe_subscriptions',
        'stripe_invoices',
        'stripe_charges',
        'sync_runs',
        'webhook_inbox',
        'webhook_intake_counters',
        'connector_api_errors',
        'accounts',
      ]),
    );

    // Both connectors read the same Stripe account, so B's customers joined accounts created from
    // A's customers (same domains): those accounts are handed over to B, not erased with A.
    const shared = (
      await db.query<{ n: number }>(
        `SELECT count(DISTINCT a.id)::int AS n FROM accounts a JOIN account_customers ac ON ac.account_id = a.id
         WHERE a.connector_id = $1 AND ac.connector_id = $2`,
        [a, b],
      )
    ).rows[0]!.n;
    expect(shared).toBeGreaterThan(0);

    const res = await app.inject({
      method: 'DELETE',
      url: `/api/connectors/${a}?delete_data=true`,
      headers: auth,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.connector_id).toBe(a);
    for (const table of filled) {
      expect(body.erased[table], table).toBe(
        table === 'accounts' ? beforeA[table]! - shared : beforeA[table],
      );
    }
    expect(body.erased.connectors).toBe(1);

    const afterA = await countsFor(db, a);
    for (const [table, n] of Object.entries(afterA)) expect(n, `${table} still holds rows of ${a}`).toBe(0);
    const afterB = await countsFor(db, b);
    expect(afterB.account_customers).toBe(beforeB.account_customers);
    expect(afterB.accounts).toBe(beforeB.accounts! + shared);
    for (const [table, n] of Object.entries(beforeB))
      expect(afterB[table], `${table} of ${b}`).toBeGreaterThanOrEqual(n);
    expect((await db.query(`SELECT 1 FROM accounts WHERE id = 'acct_hand'`)).rows).toHaveLength(1);
    expect((await db.query('SELECT 1 FROM connectors WHERE id = $1', [a])).rows).toHaveLength(0);

    // Intake and the API no longer know it.
    webhooks.connectors.invalidate();
    const delivery = await app.inject({ method: 'POST', url: `/webhooks/stripe/${a}`, payload: '{}' });
    expect(delivery.statusCode).toBe(404);
    expect((await app.inject({ url: `/api/connectors/${a}`, headers: auth })).statusCode).toBe(404);

    const owner = await db.query<{ action: string; detail: { erased: Record<string, number> } }>(
      `SELECT action, detail FROM audit_log WHERE target = $1 AND action = 'connector.deleted'`,
      [a],
    );
    expect(owner.rows[0]!.detail.erased.stripe_customers).toBe(beforeA.stripe_customers);
  });

  it('without delete_data erases the credentials and keeps the data', async () => {
    const { db } = store();
    const b = (await db.query<{ id: string }>(`SELECT id FROM connectors WHERE name = 'b'`)).rows[0]!.id;
    const before = await countsFor(db, b);
    const res = await app.inject({ method: 'DELETE', url: `/api/connectors/${b}`, headers: auth });
    expect(res.json()).toMatchObject({
      connector_id: b,
      erased: {},
      credentials_erased: true,
      data_deleted: false,
    });
    expect(await countsFor(db, b)).toEqual(before);
    const row = (
      await db.query('SELECT api_key_enc, webhook_secrets_enc, status FROM connectors WHERE id = $1', [b])
    ).rows[0];
    expect(row).toEqual({ api_key_enc: null, webhook_secrets_enc: [], status: 'not_connected' });
    const tested = (
      await app.inject({ method: 'POST', url: `/api/connectors/${b}/test`, headers: auth })
    ).json();
    expect(tested.ok).toBe(false);
  });
});
