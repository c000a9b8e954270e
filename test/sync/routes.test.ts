import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { createApiToken } from '../../src/auth/tokens.ts';
import { resolveConfig } from '../../src/config/config.ts';
import { listApiErrors } from '../../src/connector/api-errors.ts';
import { saveConnector } from '../../src/connector/connectors.ts';
import { createVault } from '../../src/connector/vault.ts';
import { createSyncRunner, type SyncRunner } from '../../src/sync/runner.ts';
import { describeEachStore } from '../support/stores.ts';
import { startTestAccount, type TestAccount } from './account.ts';

describeEachStore('sync API (POST/GET /api/connectors/:id/sync)', ({ store }) => {
  const vault = createVault(Buffer.alloc(32, 5));
  let account: TestAccount;
  let runner: SyncRunner;
  beforeAll(async () => {
    account = await startTestAccount({ extraCustomers: 5 });
    runner = createSyncRunner({ db: store().db, vault, registry: new Registry(), rateLimitRps: 200 });
  });
  afterAll(async () => {
    await runner?.close();
    await account?.close();
  });

  const app = () =>
    buildApp({
      db: store().db,
      vault,
      config: resolveConfig({}, {}),
      registry: new Registry(),
      sync: runner,
    });
  const auth = async (workspaceId: string, scope: 'read' | 'write') => {
    const { token } = await createApiToken(store().db, { workspaceId, name: 't', scope });
    return { authorization: `Bearer ${token}` };
  };

  it('starts a sync, refuses a second one while it runs, and reports progress and the result', async () => {
    await saveConnector(store().db, vault, {
      id: 'conn_api',
      workspaceId: 'default',
      apiKey: account.sandbox.secretKey,
      apiBase: account.sandbox.apiBase,
    });
    const a = await app();
    const headers = await auth('default', 'write');
    const started = await a.inject({ method: 'POST', url: '/api/connectors/conn_api/sync', headers });
    expect(started.statusCode).toBe(202);
    expect(started.json().running).toBe(true);
    const again = await a.inject({ method: 'POST', url: '/api/connectors/conn_api/sync', headers });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('sync_running');
    await runner.wait('conn_api');
    const status = await a.inject({
      url: '/api/connectors/conn_api/sync',
      headers: await auth('default', 'read'),
    });
    expect(status.statusCode).toBe(200);
    const body = status.json();
    expect(body.running).toBe(false);
    expect(body.last.status).toBe('complete');
    expect(body.last.result.complete).toBe(true);
    expect(body.last.result.families.customers.stored).toBe(account.sandbox.admin.counts().customers);
    expect(JSON.stringify(body)).not.toContain(account.sandbox.secretKey);
    // The accounts were recomputed when the sync ended: health shows without waiting for a webhook.
    expect(body.recomputed_accounts).toBeGreaterThan(0);
    const { rows } = await store().db.query<{ n: number; paying: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE mrr_reporting > 0)::int AS paying
       FROM account_posture WHERE connector_id = 'conn_api'`,
    );
    expect(rows[0]!.n).toBe(body.recomputed_accounts);
    expect(rows[0]!.paying).toBeGreaterThan(0);
  });

  it('disconnects during a running sync: the sync stops first and stays resumable', async () => {
    // A small budget keeps the sync running long enough to be caught mid-way.
    await saveConnector(store().db, vault, {
      id: 'conn_stop',
      workspaceId: 'default',
      apiKey: account.sandbox.secretKey,
      apiBase: account.sandbox.apiBase,
      rateLimitRps: 5,
    });
    const a = await app();
    const headers = await auth('default', 'write');
    expect(
      (await a.inject({ method: 'POST', url: '/api/connectors/conn_stop/sync', headers })).statusCode,
    ).toBe(202);
    while (((await runner.status('conn_stop')).progress?.objects ?? 0) === 0)
      await new Promise((r) => setTimeout(r, 20));
    const res = await a.inject({ method: 'DELETE', url: '/api/connectors/conn_stop', headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().credentials_erased).toBe(true);
    const status = await runner.status('conn_stop');
    expect(status.running).toBe(false);
    expect(status.last).toMatchObject({ status: 'interrupted', result: null });
  });

  it('stopAll stops every running sync and resolves once they have stopped', async () => {
    await saveConnector(store().db, vault, {
      id: 'conn_stop_all',
      workspaceId: 'default',
      apiKey: account.sandbox.secretKey,
      apiBase: account.sandbox.apiBase,
      rateLimitRps: 5,
    });
    expect(await runner.start('conn_stop_all')).toEqual({ started: true });
    await runner.stopAll();
    const status = await runner.status('conn_stop_all');
    expect(status.running).toBe(false);
    // Stopped during its first request or later: nothing finished, and a run left is resumable.
    expect(status.last?.status ?? 'interrupted').toBe('interrupted');
    // Stopped syncs can start again (the run resumes).
    expect(await runner.start('conn_stop_all')).toEqual({ started: true });
    await runner.stop('conn_stop_all');
  });

  it('counts a sync that fails on Stripe under the health page’s API errors by kind', async () => {
    const key = account.sandbox.admin.createRestrictedKey({ customers: 'read', events: 'read' });
    account.sandbox.admin.revokeKey(key);
    await saveConnector(store().db, vault, {
      id: 'conn_revoked',
      workspaceId: 'default',
      apiKey: key,
      apiBase: account.sandbox.apiBase,
    });
    await runner.start('conn_revoked');
    await runner.wait('conn_revoked');
    expect((await runner.status('conn_revoked')).last).toBeNull();
    const errors = await listApiErrors(store().db, 'conn_revoked');
    expect(errors.map((e) => [e.kind, e.count])).toEqual([['authentication', 1]]);
  });

  it('hides another workspace’s connector (404) and needs write scope to start', async () => {
    await store().db.query(
      `INSERT INTO workspaces (id, name) VALUES ('ws_other', 'Other') ON CONFLICT DO NOTHING`,
    );
    const a = await app();
    const other = await auth('ws_other', 'write');
    expect((await a.inject({ url: '/api/connectors/conn_api/sync', headers: other })).statusCode).toBe(404);
    const post = await a.inject({ method: 'POST', url: '/api/connectors/conn_api/sync', headers: other });
    expect(post.statusCode).toBe(404);
    const read = await auth('default', 'read');
    const denied = await a.inject({ method: 'POST', url: '/api/connectors/conn_api/sync', headers: read });
    expect(denied.statusCode).toBe(403);
  });
});
