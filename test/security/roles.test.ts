import { expect, it } from 'vitest';
import { createApiToken } from '../../src/auth/tokens.ts';
import { describeEachStore } from '../support/stores.ts';
import { buildTestApp, setUpOwner, signIn } from './harness.ts';

describeEachStore('members, roles and workspaces', ({ store }) => {
  it('lets the owner invite members with roles; viewers read, admins write, only owners manage', async () => {
    const { db } = store();
    const app = await buildTestApp(db, { config: { publicUrl: 'https://atlas.example.com' } });
    const owner = await setUpOwner(app, db);

    const invite = async (email: string, role: string) => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/members',
        headers: owner.headers,
        payload: { email, role, name: email.split('@')[0] },
      });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body.invite_url).toMatch(/^https:\/\/atlas\.example\.com\/setup\?token=/);
      const token = new URL(body.invite_url).searchParams.get('token');
      const inspect = await app.inject(`/api/setup?token=${token}`);
      expect(inspect.json().link).toEqual({ valid: true, purpose: 'invite', email });
      const done = await app.inject({
        method: 'POST',
        url: '/api/setup',
        payload: { token, email, password: `${role} password long` },
      });
      expect(done.statusCode).toBe(201);
      return { id: body.id as string, browser: await signIn(app, email, `${role} password long`) };
    };
    const viewer = await invite('vic@example.com', 'viewer');
    const admin = await invite('ada@example.com', 'admin');

    // viewer: read only
    expect((await app.inject({ url: '/api/members', headers: viewer.browser.headers })).statusCode).toBe(200);
    const viewerWrite = await app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: viewer.browser.headers,
      payload: { name: 'x' },
    });
    expect(viewerWrite.statusCode).toBe(403);
    expect(viewerWrite.json().error.code).toBe('insufficient_scope');
    // admin: writes, but neither members nor the audit log
    const adminWrite = await app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: admin.browser.headers,
      payload: { name: 'x' },
    });
    expect(adminWrite.statusCode).toBe(201);
    for (const [method, url] of [
      ['GET', '/api/audit'],
      ['POST', '/api/members'],
      ['PATCH', `/api/members/${viewer.id}`],
      ['DELETE', `/api/members/${viewer.id}`],
    ] as const) {
      const res = await app.inject({
        method,
        url,
        headers: admin.browser.headers,
        payload: { email: 'z@example.com', role: 'admin' },
      });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
    // a write API token has no role: no audit log, no member management
    const { token } = await createApiToken(db, { workspaceId: 'default', name: 'w', scope: 'write' });
    expect(
      (await app.inject({ url: '/api/audit', headers: { authorization: `Bearer ${token}` } })).statusCode,
    ).toBe(403);

    // owner: promotes, demotes, removes; the last owner cannot leave
    const promote = await app.inject({
      method: 'PATCH',
      url: `/api/members/${viewer.id}`,
      headers: owner.headers,
      payload: { role: 'admin' },
    });
    expect(promote.json().role).toBe('admin');
    const me = (await app.inject({ url: '/api/me', headers: owner.headers })).json();
    const demoteSelf = await app.inject({
      method: 'PATCH',
      url: `/api/members/${me.user.id}`,
      headers: owner.headers,
      payload: { role: 'viewer' },
    });
    expect(demoteSelf.statusCode).toBe(409);
    expect(demoteSelf.json().error.code).toBe('last_owner');
    const removed = await app.inject({
      method: 'DELETE',
      url: `/api/members/${admin.id}`,
      headers: owner.headers,
    });
    expect(removed.statusCode).toBe(200);
    expect((await app.inject({ url: '/api/me', headers: admin.browser.headers })).statusCode).toBe(401);

    const audit = (await app.inject({ url: '/api/audit', headers: owner.headers })).json().data as {
      action: string;
    }[];
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['member.added', 'member.role_changed', 'member.removed', 'token.created']),
    );
  });

  it('keeps each workspace to its own data; a person switches between theirs', async () => {
    const { db } = store();
    const app = await buildTestApp(db);
    const owner = await signIn(app, 'owner@example.com', 'correct horse battery');
    const created = await app.inject({
      method: 'POST',
      url: '/api/workspaces',
      headers: owner.headers,
      payload: { name: 'Second', reporting_currency: 'EUR' },
    });
    expect(created.statusCode).toBe(201);
    const second = created.json();
    expect(second).toMatchObject({ name: 'Second', reporting_currency: 'eur', role: 'owner' });
    const list = (await app.inject({ url: '/api/workspaces', headers: owner.headers })).json().data;
    expect(list.map((w: { id: string }) => w.id)).toEqual(['default', second.id]);

    const before = (await app.inject({ url: '/api/tokens', headers: owner.headers })).json().data.length;
    expect(before).toBeGreaterThan(0);
    const switched = await app.inject({
      method: 'POST',
      url: `/api/workspaces/${second.id}/switch`,
      headers: owner.headers,
    });
    expect(switched.json().workspace.id).toBe(second.id);
    expect((await app.inject({ url: '/api/tokens', headers: owner.headers })).json().data).toEqual([]);

    // a viewer of the default workspace cannot switch into a workspace they do not belong to
    const viewerTokenHolder = await signIn(app, 'vic@example.com', 'viewer password long');
    const denied = await app.inject({
      method: 'POST',
      url: `/api/workspaces/${second.id}/switch`,
      headers: viewerTokenHolder.headers,
    });
    expect(denied.statusCode).toBe(404);
    // an API token sees only its own workspace, and cannot create one
    const { token } = await createApiToken(db, { workspaceId: second.id, name: 't', scope: 'write' });
    const auth = { authorization: `Bearer ${token}` };
    expect((await app.inject({ url: '/api/workspaces', headers: auth })).json().data).toHaveLength(1);
    const tokenCreates = await app.inject({
      method: 'POST',
      url: '/api/workspaces',
      headers: auth,
      payload: { name: 'x' },
    });
    expect(tokenCreates.json().error.code).toBe('user_required');
  });
});
