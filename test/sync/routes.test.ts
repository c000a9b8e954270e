import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { createApiToken } from '../../src/auth/tokens.ts';
import { resolveConfig } from '../../src/config/config.ts';
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
