import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { createApiToken } from '../../src/auth/tokens.ts';
import { addMember, createUser } from '../../src/auth/users.ts';
import { saveConnector } from '../../src/connector/connectors.ts';
import { createVault } from '../../src/connector/vault.ts';
import { describeEachStore } from '../support/stores.ts';
import { buildTestApp, TEST_VAULT_KEY } from './harness.ts';
import { listRoutes, type RouteInfo } from './routes.ts';

/** Routes that are public on purpose (set-up link, sign-in). Anything else must demand auth. */
const PUBLIC = new Set(['GET /api/setup', 'POST /api/setup', 'POST /api/auth/login']);
/** Changes that only need read scope: signing out, and moving between one's own workspaces. */
const READ_SCOPE_CHANGES = new Set([
  'POST /api/auth/logout',
  'POST /api/workspaces',
  'POST /api/workspaces/:id/switch',
]);
/** Owner-only or person-only routes answer 403 to another workspace's token before any lookup. */
const FORBIDDEN_BEFORE_LOOKUP = new Set([
  'PATCH /api/members/:id',
  'DELETE /api/members/:id',
  'POST /api/workspaces/:id/switch',
]);

const A_KEY = 'rk_test_AAAAsecretKEYofWorkspaceA1234';
const A_SECRET = 'whsec_AAAAsigningSECRETofWorkspaceA9876';

describeEachStore('every /api route: authentication, scope and workspace isolation', ({ store }) => {
  let app: FastifyInstance;
  let routes: RouteInfo[];
  const ids: Record<string, string> = {};
  const tokens: Record<'aRead' | 'bWrite', string> = { aRead: '', bWrite: '' };

  beforeAll(async () => {
    const { db } = store();
    const vault = createVault(TEST_VAULT_KEY);
    app = await buildTestApp(db, { vault });
    await app.ready();
    routes = listRoutes(app).filter((r) => r.url.startsWith('/api/'));
    const connector = await saveConnector(db, vault, {
      workspaceId: 'default',
      name: 'Alpha connector',
      apiKey: A_KEY,
      webhookSecret: A_SECRET,
    });
    ids.connector = connector.id;
    await db.query(
      `INSERT INTO webhook_inbox (workspace_id, connector_id, event_id, type, created, payload)
       VALUES ('default', $1, 'evt_alpha_1', 'customer.created', 1, '{}')`,
      [connector.id],
    );
    await db.query(
      `INSERT INTO accounts (id, workspace_id, name) VALUES ('acct_alpha', 'default', 'Alpha Co')`,
    );
    const user = await createUser(db, { email: 'alpha@example.com', password: 'alpha password long' });
    await addMember(db, 'default', user.id, 'admin');
    ids.user = user.id;
    const aToken = await createApiToken(db, { workspaceId: 'default', name: 'alpha read', scope: 'read' });
    tokens.aRead = aToken.token;
    ids.token = aToken.info.id;
    await db.query(`INSERT INTO workspaces (id, name) VALUES ('ws_beta', 'Beta')`);
    tokens.bWrite = (
      await createApiToken(db, { workspaceId: 'ws_beta', name: 'beta', scope: 'write' })
    ).token;
  });

  /** A real URL: each parameter filled with an id that exists in workspace A. */
  const fill = (url: string) =>
    url
      .replace('/api/connectors/:id', `/api/connectors/${ids.connector}`)
      .replace(':eventId', 'evt_alpha_1')
      .replace('/api/accounts/:id', '/api/accounts/acct_alpha')
      .replace('/api/tokens/:id', `/api/tokens/${ids.token}`)
      .replace('/api/members/:id', `/api/members/${ids.user}`)
      .replace('/api/workspaces/:id', '/api/workspaces/default');
  /** Valid bodies, so input validation cannot answer before the ownership check does. */
  const BODIES: Record<string, unknown> = {
    'POST /api/accounts/:id/customers': { customer_id: 'cus_beta' },
    'PATCH /api/accounts/:id': { name: 'Renamed' },
    'PATCH /api/members/:id': { role: 'viewer' },
    'POST /api/connectors/:id/roll': { webhook_secret: 'whsec_betabetabetabeta' },
  };
  const call = (r: RouteInfo, headers: Record<string, string>) =>
    app.inject({
      method: r.method as 'GET',
      url: fill(r.url),
      headers,
      payload:
        r.method === 'GET' || r.method === 'DELETE' ? undefined : (BODIES[`${r.method} ${r.url}`] ?? {}),
    });

  it('finds the routes of every part', () => {
    const names = routes.map((r) => `${r.method} ${r.url}`);
    expect(names).toEqual(
      expect.arrayContaining(['POST /api/connectors', 'GET /api/audit', 'GET /api/me', 'GET /api/tokens']),
    );
  });

  it('answers 401 without credentials, except the public sign-in and set-up routes', async () => {
    for (const r of routes) {
      const res = await call(r, {});
      const name = `${r.method} ${r.url}`;
      if (PUBLIC.has(name)) expect(res.statusCode, name).not.toBe(401);
      else {
        expect(res.statusCode, name).toBe(401);
        expect(res.json().error.code, name).toBe('unauthenticated');
      }
    }
  });

  it('answers 403 to a read token on every change', async () => {
    for (const r of routes) {
      const name = `${r.method} ${r.url}`;
      if (r.method === 'GET' || PUBLIC.has(name) || READ_SCOPE_CHANGES.has(name)) continue;
      const res = await call(r, { authorization: `Bearer ${tokens.aRead}` });
      expect(res.statusCode, name).toBe(403);
      expect(res.json().error.code, name).toBe('insufficient_scope');
    }
  });

  it("answers another workspace's token with 404 for this workspace's ids, and shows none of its data", async () => {
    const markers = [
      ids.connector!,
      'evt_alpha_1',
      'acct_alpha',
      'Alpha Co',
      'alpha@example.com',
      ids.token!,
      'Alpha connector',
    ];
    for (const r of routes) {
      const name = `${r.method} ${r.url}`;
      if (PUBLIC.has(name)) continue;
      const hasParams = r.url.includes(':');
      if (!hasParams && r.method !== 'GET') continue; // creating in one's own workspace is allowed
      const res = await call(r, { authorization: `Bearer ${tokens.bWrite}` });
      if (hasParams) expect.soft(res.statusCode, name).toBe(FORBIDDEN_BEFORE_LOOKUP.has(name) ? 403 : 404);
      for (const m of markers) expect(res.body, `${name} leaks ${m}`).not.toContain(m);
    }
    // and nothing of A was changed or deleted by those calls
    const { db } = store();
    expect((await db.query('SELECT 1 FROM connectors WHERE id = $1', [ids.connector])).rows).toHaveLength(1);
    expect((await db.query(`SELECT 1 FROM accounts WHERE id = 'acct_alpha'`)).rows).toHaveLength(1);
    expect((await db.query('SELECT revoked_at FROM api_tokens WHERE id = $1', [ids.token])).rows[0]).toEqual({
      revoked_at: null,
    });
  });
});
