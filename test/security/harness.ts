import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Registry } from 'prom-client';
import { buildApp } from '../../src/api/app.ts';
import type { AppDeps } from '../../src/api/deps.ts';
import { sessionAuthenticator } from '../../src/auth/session-authenticator.ts';
import { issueSetupLinkIfNeeded } from '../../src/auth/setup.ts';
import { type ConfigInput, resolveConfig } from '../../src/config/config.ts';
import { createVault, type Vault } from '../../src/connector/vault.ts';
import type { Db } from '../../src/db/client.ts';

/** The HTTP app as the server composes it (bearer tokens + session cookies), for security tests. */

export const TEST_VAULT_KEY = Buffer.alloc(32, 3);

export async function buildTestApp(
  db: Db,
  options: { config?: ConfigInput; logger?: object; vault?: Vault; deps?: Partial<AppDeps> } = {},
): Promise<FastifyInstance> {
  return buildApp(
    {
      ...options.deps,
      db,
      vault: options.vault ?? createVault(TEST_VAULT_KEY),
      config: resolveConfig(options.config ?? {}, {}),
      registry: new Registry(),
      authenticators: [sessionAuthenticator(db)],
    },
    { logger: options.logger },
  );
}

/** The `name=value` of the session cookie a response set (for the Cookie header of later calls). */
export function sessionCookieOf(res: LightMyRequestResponse): string {
  const header = res.headers['set-cookie'];
  const all = Array.isArray(header) ? header : header ? [header] : [];
  const cookie = all.find((c) => c.startsWith('atlas_session='));
  if (!cookie) throw new Error(`no session cookie in response ${res.statusCode}: ${res.body}`);
  return cookie.split(';')[0]!;
}

export interface Browser {
  cookie: string;
  csrf: string;
  headers: { cookie: string; 'x-csrf-token': string };
}

export async function signIn(app: FastifyInstance, email: string, password: string): Promise<Browser> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login failed ${res.statusCode}: ${res.body}`);
  const cookie = sessionCookieOf(res);
  const csrf = res.json().csrf_token as string;
  return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } };
}

/** Creates the owner through the set-up link, as a first start would. */
export async function setUpOwner(
  app: FastifyInstance,
  db: Db,
  owner = { email: 'owner@example.com', password: 'correct horse battery', name: 'Olive Owner' },
): Promise<Browser> {
  const link = await issueSetupLinkIfNeeded(db, 'http://atlas.test');
  if (!link) throw new Error('set-up link not issued: users already exist');
  const token = new URL(link).searchParams.get('token')!;
  const res = await app.inject({ method: 'POST', url: '/api/setup', payload: { token, ...owner } });
  if (res.statusCode !== 201) throw new Error(`setup failed ${res.statusCode}: ${res.body}`);
  return signIn(app, owner.email, owner.password);
}
