import { expect, it } from 'vitest';
import { issueSetupLinkIfNeeded } from '../../src/auth/setup.ts';
import { describeEachStore } from '../support/stores.ts';
import { buildTestApp, sessionCookieOf, setUpOwner, signIn } from './harness.ts';

describeEachStore('first start: the one-time set-up link', ({ store }) => {
  it('creates the owner once, stores only a hash, and expires', async () => {
    const { db } = store();
    const app = await buildTestApp(db);
    expect((await app.inject('/api/setup')).json().needed).toBe(true);
    // No default password: nobody can sign in before the link is used.
    const early = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'admin@example.com', password: 'admin' },
    });
    expect(early.statusCode).toBe(401);

    const stale = await issueSetupLinkIfNeeded(db, 'https://atlas.example.com/');
    const link = await issueSetupLinkIfNeeded(db, 'https://atlas.example.com/');
    expect(link).toMatch(/^https:\/\/atlas\.example\.com\/setup\?token=[\w-]{20,}$/);
    const token = new URL(link!).searchParams.get('token')!;
    expect(JSON.stringify((await db.query('SELECT * FROM setup_tokens')).rows)).not.toContain(token);

    const owner = { email: 'Owner@Example.com', password: 'correct horse battery', name: 'Olive' };
    const reused = await app.inject({
      method: 'POST',
      url: '/api/setup',
      payload: { token: new URL(stale!).searchParams.get('token'), ...owner },
    });
    expect(reused.json().error.code).toBe('invalid_setup_token'); // only the latest printed link works

    const weak = await app.inject({
      method: 'POST',
      url: '/api/setup',
      payload: { token, ...owner, password: 'short' },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe('weak_password');

    const done = await app.inject({ method: 'POST', url: '/api/setup', payload: { token, ...owner } });
    expect(done.statusCode).toBe(201);
    const setCookie = String(done.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/); // the app's own public URL is not https in this test
    const me = await app.inject({ url: '/api/me', headers: { cookie: sessionCookieOf(done) } });
    expect(me.json()).toMatchObject({
      user: { email: 'owner@example.com', name: 'Olive' },
      workspace: { id: 'default' },
      role: 'owner',
    });

    const again = await app.inject({ method: 'POST', url: '/api/setup', payload: { token, ...owner } });
    expect(again.statusCode).toBe(400);
    expect(await issueSetupLinkIfNeeded(db, 'http://x')).toBeNull();
    expect((await app.inject('/api/setup')).json().needed).toBe(false);

    const users = await db.query<{ password_hash: string }>('SELECT password_hash FROM users');
    expect(users.rows[0]!.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(JSON.stringify(users.rows)).not.toContain(owner.password);
  });

  it('refuses an expired link', async () => {
    const { db } = store();
    await db.query('DELETE FROM memberships');
    await db.query('DELETE FROM users');
    const link = await issueSetupLinkIfNeeded(db, 'http://atlas.test');
    await db.query(`UPDATE setup_tokens SET expires_at = now() - interval '1 second'`);
    const app = await buildTestApp(db);
    const res = await app.inject({
      method: 'POST',
      url: '/api/setup',
      payload: {
        token: new URL(link!).searchParams.get('token'),
        email: 'a@b.co',
        password: 'long enough pass',
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/expired/);
  });
});

describeEachStore('sessions, CSRF and login rate limiting', ({ store }) => {
  it('signs in with a cookie, demands the CSRF token on changes, and signs out', async () => {
    const { db } = store();
    const app = await buildTestApp(db, { config: { publicUrl: 'https://atlas.example.com' } });
    const owner = await setUpOwner(app, db);
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'owner@example.com', password: 'correct horse battery' },
    });
    expect(String(login.headers['set-cookie'])).toMatch(/; Secure/);
    const raw = sessionCookieOf(login).split('=')[1]!;
    expect(JSON.stringify((await db.query('SELECT * FROM sessions')).rows)).not.toContain(raw);

    const noCsrf = await app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { cookie: owner.cookie },
      payload: { name: 'ci' },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.code).toBe('csrf_failed');
    const wrongCsrf = await app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { cookie: owner.cookie, 'x-csrf-token': `${owner.csrf.slice(0, -2)}xx` },
      payload: { name: 'ci' },
    });
    expect(wrongCsrf.statusCode).toBe(403);
    const ok = await app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: owner.headers,
      payload: { name: 'ci' },
    });
    expect(ok.statusCode).toBe(201);
    // Another session's CSRF token does not work with this cookie.
    const other = await signIn(app, 'owner@example.com', 'correct horse battery');
    const crossed = await app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { cookie: owner.cookie, 'x-csrf-token': other.csrf },
      payload: { name: 'ci' },
    });
    expect(crossed.statusCode).toBe(403);

    const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: owner.headers });
    expect(out.statusCode).toBe(200);
    expect((await app.inject({ url: '/api/me', headers: { cookie: owner.cookie } })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/me', headers: { cookie: other.cookie } })).statusCode).toBe(200);
  });

  it('answers 429 after 5 failures for one email, even with the right password, and audits both', async () => {
    const { db } = store();
    const app = await buildTestApp(db);
    const attempt = (password: string, ip = '10.0.0.1') =>
      app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: ip,
        payload: { email: 'owner@example.com', password },
      });
    for (let i = 0; i < 5; i++) {
      const res = await attempt('wrong password!');
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('invalid_credentials');
    }
    const blocked = await attempt('correct horse battery', '10.9.9.9');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('too_many_attempts');
    expect(blocked.headers['retry-after']).toBe('900');
    await db.query(`UPDATE login_attempts SET at = at - interval '16 minutes'`);
    expect((await attempt('correct horse battery')).statusCode).toBe(200);
    const owner = await signIn(app, 'owner@example.com', 'correct horse battery');
    const audit = (await app.inject({ url: '/api/audit', headers: owner.headers })).json().data as {
      action: string;
    }[];
    expect(audit.filter((a) => a.action === 'login.failed')).toHaveLength(5);
    expect(audit.some((a) => a.action === 'login.succeeded')).toBe(true);
    expect(JSON.stringify(audit)).not.toContain('wrong password');
  });

  it('answers 429 to an IP that fails for many different emails', async () => {
    const app = await buildTestApp(store().db);
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '10.1.1.1',
        payload: { email: `guess${i}@example.com`, password: 'whatever pass' },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
  });
});
