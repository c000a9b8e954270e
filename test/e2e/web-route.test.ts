import { Registry } from 'prom-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { resolveConfig } from '../../src/config/config.ts';
import { createVault } from '../../src/connector/vault.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';
import { ensureWebBuilt } from './support/build-web.ts';

describe('the web UI route', () => {
  let store: TestStore;
  let app: Awaited<ReturnType<typeof buildApp>>;
  beforeAll(async () => {
    await ensureWebBuilt();
    store = await openTestStore('pglite');
    app = await buildApp({
      db: store.db,
      vault: createVault(Buffer.alloc(32, 1)),
      config: resolveConfig({}, {}),
      registry: new Registry(),
    });
    return async () => {
      await app.close();
      await store.close();
    };
  }, 120_000);

  it('serves the app shell at / and at deep links, without a session, never cached', async () => {
    for (const url of ['/', '/accounts', '/accounts/acct_123?x=1', '/setup?token=abc']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('<div id="root">');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    }
  });

  it('serves hashed assets with long-lived caching', async () => {
    const html = (await app.inject('/')).body;
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const res = await app.inject(script!);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('javascript');
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it('answers unknown API and webhook paths with the JSON 404, not the app shell', async () => {
    for (const url of ['/api/nope', '/api', '/webhooks/nope']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
  });

  it('never serves files outside web/dist', async () => {
    for (const url of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/assets/../../package.json',
    ]) {
      const res = await app.inject(url);
      expect(res.body, url).not.toContain('"devDependencies"');
    }
  });

  it('still requires authentication for the API routes', async () => {
    expect((await app.inject('/api/tokens')).statusCode).toBe(401);
  });
});
