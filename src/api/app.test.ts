import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.ts';
import { createApiToken } from '../auth/tokens.ts';
import { resolveConfig } from '../config/config.ts';
import { createVault } from '../connector/vault.ts';
import { buildApp } from './app.ts';

describeEachStore('HTTP app skeleton', ({ store }) => {
  const app = async () =>
    buildApp({
      db: store().db,
      vault: createVault(Buffer.alloc(32, 1)),
      config: resolveConfig({}, {}),
      registry: new Registry(),
    });

  it('answers /healthz and /metrics without auth', async () => {
    const a = await app();
    expect((await a.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const metrics = await a.inject('/metrics');
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
  });

  it('refuses /api without a token, with a revoked or unknown one, and writes with a read token', async () => {
    const a = await app();
    expect((await a.inject('/api/tokens')).statusCode).toBe(401);
    const bad = await a.inject({ url: '/api/tokens', headers: { authorization: 'Bearer atls_nope' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe('invalid_token');
    const { token } = await createApiToken(store().db, { workspaceId: 'default', name: 'r', scope: 'read' });
    const auth = { authorization: `Bearer ${token}` };
    expect((await a.inject({ url: '/api/tokens', headers: auth })).statusCode).toBe(200);
    const write = await a.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: auth,
      payload: { name: 'x' },
    });
    expect(write.statusCode).toBe(403);
    expect(write.json().error.code).toBe('insufficient_scope');
  });

  it('answers bad input with 400 and a machine-readable code, and unknown routes with 404', async () => {
    const a = await app();
    const { token } = await createApiToken(store().db, { workspaceId: 'default', name: 'w', scope: 'write' });
    const auth = { authorization: `Bearer ${token}` };
    const res = await a.inject({ method: 'POST', url: '/api/tokens', headers: auth, payload: { name: '' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_request');
    const created = await a.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: auth,
      payload: { name: 'ok' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().token).toMatch(/^atls_/);
    const list = await a.inject({ url: '/api/tokens', headers: auth });
    expect(list.body).not.toContain(token);
    expect((await a.inject({ url: '/api/nope', headers: auth })).statusCode).toBe(404);
    const broken = await a.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{bad',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('invalid_body');
  });
});
