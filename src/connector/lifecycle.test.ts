import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import Stripe from 'stripe';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/index.ts';
import { buildTestApp, TEST_VAULT_KEY } from '../../test/security/harness.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { createApiToken } from '../auth/tokens.ts';
import { createWebhookService, type WebhookService } from '../webhooks/service.ts';
import { getApiKey, getWebhookSecrets } from './connectors.ts';
import { TROUBLESHOOTING } from './troubleshooting.ts';
import { createVault } from './vault.ts';

const READ_ALL = {
  customers: 'read',
  subscriptions: 'read',
  invoices: 'read',
  charges: 'read',
  events: 'read',
} as const;
const LABELS: Record<string, string> = {
  customers: 'Customers read (read_only.customers)',
  subscriptions: 'Subscriptions read (read_only.subscriptions)',
  invoices: 'Invoices read (read_only.invoices)',
  charges: 'Charges read (read_only.charges)',
  events: 'Events read (read_only.events)',
};

describeEachStore('connector lifecycle against the sandbox', ({ store }) => {
  let sandbox: Sandbox;
  let app: FastifyInstance;
  let webhooks: WebhookService;
  let appUrl: string;
  let auth: { authorization: string };

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 7, webhookRetrySchedule: [3600] });
    const { db } = store();
    const vault = createVault(TEST_VAULT_KEY);
    webhooks = createWebhookService({ db, vault, registry: new Registry(), workers: 0 });
    app = await buildTestApp(db, {
      vault,
      deps: { webhooks },
      config: { publicUrl: 'https://atlas.example.com' },
    });
    appUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    const { token } = await createApiToken(db, { workspaceId: 'default', name: 'admin', scope: 'write' });
    auth = { authorization: `Bearer ${token}` };
  });
  afterAll(async () => {
    await app?.close();
    await sandbox?.close();
  });

  const connect = (payload: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: '/api/connectors',
      headers: auth,
      payload: { api_base: sandbox.apiBase, ...payload },
    });

  it('names the missing permission precisely, for each of the five in turn', async () => {
    for (const missing of Object.keys(READ_ALL)) {
      const key = sandbox.admin.createRestrictedKey({ ...READ_ALL, [missing]: 'none' });
      const res = await connect({ api_key: key, webhook_secret: sandbox.webhookSecret });
      expect(res.statusCode, missing).toBe(400);
      const { error } = res.json();
      expect(error.code).toBe('missing_permission');
      expect(error.message).toContain(LABELS[missing]);
      expect(error.details.checks).toHaveLength(5);
      expect(
        error.details.checks.filter((c: { ok: boolean }) => !c.ok).map((c: { label: string }) => c.label),
      ).toEqual([LABELS[missing]]);
      expect(res.body).not.toContain(key);
    }
    const none = sandbox.admin.createRestrictedKey({ customers: 'read' });
    const res = await connect({ api_key: none, webhook_secret: sandbox.webhookSecret });
    expect(res.json().error.details.missing).toEqual([
      'read_only.subscriptions',
      'read_only.invoices',
      'read_only.charges',
      'read_only.events',
    ]);
    expect((await app.inject({ url: '/api/connectors', headers: auth })).json().data).toEqual([]);
  });

  it('answers invalid_api_key with the troubleshooting text for a revoked key, and rejects bad shapes', async () => {
    const key = sandbox.admin.createRestrictedKey(READ_ALL);
    sandbox.admin.revokeKey(key);
    const res = await connect({ api_key: key, webhook_secret: sandbox.webhookSecret });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_api_key', message: TROUBLESHOOTING.revokedKey });
    const pk = await connect({ api_key: 'pk_test_abcdefghijkl', webhook_secret: sandbox.webhookSecret });
    expect(pk.json().error.message).toMatch(/publishable key/);
    const badSecret = await connect({ api_key: sandbox.restrictedKey, webhook_secret: 'secret' });
    expect(badSecret.json().error.code).toBe('invalid_webhook_secret');
  });

  it('connects a restricted key, warns about a full secret key, and never returns either', async () => {
    const res = await connect({ api_key: sandbox.restrictedKey, webhook_secret: sandbox.webhookSecret });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.warnings).toEqual([]);
    expect(body.checks.every((c: { ok: boolean }) => c.ok)).toBe(true);
    expect(body.connector).toMatchObject({
      status: 'awaiting_test_event',
      livemode: false,
      api_key_mask: `rk_test_…${sandbox.restrictedKey.slice(-4)}`,
      webhook_secret_masks: [`whsec_…${sandbox.webhookSecret.slice(-4)}`],
      webhook_url: 'https://atlas.example.com/webhooks/stripe',
      sandbox: true,
      events_to_select: [
        'customer.subscription.created',
        'customer.subscription.updated',
        'invoice.payment_succeeded',
        'invoice.payment_failed',
        'charge.failed',
      ],
    });
    expect(res.body).not.toContain(sandbox.restrictedKey);
    expect(res.body).not.toContain(sandbox.webhookSecret);

    const full = await connect({ api_key: sandbox.secretKey, webhook_secret: sandbox.webhookSecret });
    expect(full.statusCode).toBe(201);
    expect(full.json().warnings[0]).toMatch(/full secret key.*least privilege/);
    // Two connectors in the default workspace: each needs its own webhook URL now.
    const list = (await app.inject({ url: '/api/connectors', headers: auth })).json().data;
    expect(list.map((c: { webhook_url: string }) => c.webhook_url)).toEqual(
      list.map((c: { id: string }) => `https://atlas.example.com/webhooks/stripe/${c.id}`),
    );
    const all = await app.inject({ url: '/api/connectors', headers: auth });
    expect(all.body).not.toContain(sandbox.secretKey);
    const removed = await app.inject({
      method: 'DELETE',
      url: `/api/connectors/${full.json().connector.id}?delete_data=true`,
      headers: auth,
    });
    expect(removed.statusCode).toBe(200);
  });

  it('names the wrong signing secret from rejected deliveries, then rolls both secrets keeping the data', async () => {
    const { db } = store();
    const wrong = `whsec_${'w'.repeat(32)}`;
    const key = sandbox.admin.createRestrictedKey(READ_ALL);
    const res = await connect({ api_key: key, webhook_secret: wrong, name: 'wrong secret' });
    const id = res.json().connector.id as string;
    const endpoint = sandbox.admin.addWebhookEndpoint(`${appUrl}/webhooks/stripe/${id}`);

    const noEvents = (
      await app.inject({ method: 'POST', url: `/api/connectors/${id}/test`, headers: auth })
    ).json();
    expect(noEvents.ok).toBe(false);
    expect(noEvents.checks.find((c: { name: string }) => c.name === 'webhook_delivery').troubleshooting).toBe(
      TROUBLESHOOTING.deliveryFailed,
    );

    const stripe = new Stripe(sandbox.secretKey, { host: '127.0.0.1', port: sandbox.port, protocol: 'http' });
    await stripe.customers.create({ email: 'first@example.com' });
    await sandbox.admin.waitForDeliveries();
    await webhooks.stats.flush();
    const tested = (
      await app.inject({ method: 'POST', url: `/api/connectors/${id}/test`, headers: auth })
    ).json();
    expect(tested.ok).toBe(false);
    const sig = tested.checks.find((c: { name: string }) => c.name === 'webhook_signature');
    expect(sig.troubleshooting).toBe(TROUBLESHOOTING.wrongSigningSecret);
    expect(sig.troubleshooting).toMatch(/^No such webhook signing secret/);
    const health = (await app.inject({ url: `/api/connectors/${id}/health`, headers: auth })).json();
    expect(health.deliveries.rejected.signature_mismatch).toBeGreaterThan(0);

    // Roll in the right signing secret: deliveries are accepted and the connector turns Connected.
    const rolled = await app.inject({
      method: 'POST',
      url: `/api/connectors/${id}/roll`,
      headers: auth,
      payload: { webhook_secret: endpoint.secret },
    });
    expect(rolled.json().rolled).toEqual(['webhook_secret']);
    expect(rolled.body).not.toContain(endpoint.secret);
    await stripe.customers.create({ email: 'second@example.com' });
    await sandbox.admin.waitForDeliveries();
    await webhooks.stats.flush();
    const ok = (
      await app.inject({ method: 'POST', url: `/api/connectors/${id}/test`, headers: auth })
    ).json();
    expect(ok.checks.filter((c: { ok: boolean }) => !c.ok)).toEqual([]);
    expect(ok.ok).toBe(true);
    const connected = (await app.inject({ url: `/api/connectors/${id}`, headers: auth })).json();
    expect(connected.status).toBe('connected');
    const inboxBefore = (await db.query('SELECT event_id FROM webhook_inbox WHERE connector_id = $1', [id]))
      .rows;
    expect(inboxBefore.length).toBeGreaterThan(0);

    // Sandbox rolls the endpoint secret: both old and new are valid during the window on both sides.
    const next = sandbox.admin.rollWebhookSecret({ endpoint: endpoint.id, expiresInSeconds: 3600 });
    await app.inject({
      method: 'POST',
      url: `/api/connectors/${id}/roll`,
      headers: auth,
      payload: { webhook_secret: next },
    });
    expect(await getWebhookSecrets(db, createVault(TEST_VAULT_KEY), id)).toEqual([
      next,
      endpoint.secret,
      wrong,
    ]); // every rolled-out secret stays valid for its window

    // Roll the key: the new one must pass the checks, the old one stops being used, the data stays.
    const newKey = sandbox.admin.createRestrictedKey(READ_ALL);
    const keyRoll = await app.inject({
      method: 'POST',
      url: `/api/connectors/${id}/roll`,
      headers: auth,
      payload: { api_key: newKey },
    });
    expect(keyRoll.statusCode).toBe(200);
    expect(keyRoll.json().connector.api_key_mask).toBe(`rk_test_…${newKey.slice(-4)}`);
    expect(await getApiKey(db, createVault(TEST_VAULT_KEY), id)).toBe(newKey);
    sandbox.admin.revokeKey(key);
    await stripe.customers.create({ email: 'third@example.com' });
    await sandbox.admin.waitForDeliveries();
    const inboxAfter = (await db.query('SELECT event_id FROM webhook_inbox WHERE connector_id = $1', [id]))
      .rows;
    expect(inboxAfter.length).toBeGreaterThan(inboxBefore.length);
    expect(inboxAfter.map((r) => r.event_id)).toEqual(
      expect.arrayContaining(inboxBefore.map((r) => r.event_id)),
    );
    expect(
      (await app.inject({ method: 'POST', url: `/api/connectors/${id}/test`, headers: auth })).json().ok,
    ).toBe(true);

    const live = await app.inject({
      method: 'POST',
      url: `/api/connectors/${id}/roll`,
      headers: auth,
      payload: { api_key: 'rk_live_abcdefghijklmnop' },
    });
    expect(live.json().error.code).toBe('mode_mismatch');
  });

  it('reports a revoked key in Test connection and on the health page with the troubleshooting text', async () => {
    const key = sandbox.admin.createRestrictedKey(READ_ALL);
    const id = (await connect({ api_key: key, webhook_secret: sandbox.webhookSecret })).json().connector.id;
    sandbox.admin.revokeKey(key);
    const tested = (
      await app.inject({ method: 'POST', url: `/api/connectors/${id}/test`, headers: auth })
    ).json();
    const apiCheck = tested.checks.find((c: { name: string }) => c.name === 'api_key');
    expect(apiCheck).toMatchObject({ ok: false, troubleshooting: TROUBLESHOOTING.revokedKey });
    const health = (await app.inject({ url: `/api/connectors/${id}/health`, headers: auth })).json();
    expect(health.status).toBe('error');
    expect(health.api_errors).toEqual([
      expect.objectContaining({
        kind: 'authentication',
        count: 1,
        troubleshooting: TROUBLESHOOTING.revokedKey,
      }),
    ]);
    expect(health).toMatchObject({ deliveries: { accepted: 0 }, parked: [], last_sync: null });
    // Rolling in a working key clears the error state.
    const fixed = await app.inject({
      method: 'POST',
      url: `/api/connectors/${id}/roll`,
      headers: auth,
      payload: { api_key: sandbox.admin.createRestrictedKey(READ_ALL) },
    });
    expect(fixed.json().connector.status).toBe('awaiting_test_event');
  });
});
