import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { InjectOptions } from 'fastify';
import Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/index.ts';
import { createVault, loadMasterKey } from '../../src/connector/vault.ts';
import { openDb } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { buildTestApp, setUpOwner } from './harness.ts';
import { listRoutes } from './routes.ts';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('secrets never leave the vault: logs, answers, key file, database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'atlas-secrets-'));
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => {});
  });

  // One on-disk store and a whole connector lifecycle: slow on a busy machine, hence the longer limit.
  it('finds no API key, signing secret or session token anywhere it looks', {
    timeout: 180_000,
  }, async () => {
    const sandbox = await startSandbox({ seed: 5, customers: 2 });
    cleanups.push(() => sandbox.close());
    const db = await openDb({ dataDir: join(dataDir, 'pglite') });
    await migrate(db);
    const vault = createVault(loadMasterKey({ dataDir }));
    let logs = '';
    const stream = new Writable({
      write(chunk, _enc, done) {
        logs += chunk.toString();
        done();
      },
    });
    const app = await buildTestApp(db, { vault, logger: { level: 'trace', stream } });
    const answers: string[] = [];
    const inject = async (opts: InjectOptions) => {
      const res = await app.inject(opts);
      answers.push(res.body, JSON.stringify(res.headers['set-cookie'] ?? ''));
      return res;
    };

    const owner = await setUpOwner(app, db);
    const sessionToken = owner.cookie.split('=')[1]!;
    const key1 = sandbox.admin.createRestrictedKey({
      customers: 'read',
      subscriptions: 'read',
      invoices: 'read',
      charges: 'read',
      events: 'read',
    });
    const key2 = sandbox.restrictedKey;
    const secret1 = sandbox.webhookSecret;
    const secret2 = `whsec_${'r'.repeat(32)}`;
    const created = await inject({
      method: 'POST',
      url: '/api/connectors',
      headers: owner.headers,
      payload: { api_key: key1, webhook_secret: secret1, api_base: sandbox.apiBase },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().connector.id;
    // a failing connect logs its error too
    await inject({
      method: 'POST',
      url: '/api/connectors',
      headers: owner.headers,
      payload: { api_key: `${key1.slice(0, -2)}zz`, webhook_secret: secret1, api_base: sandbox.apiBase },
    });
    await inject({
      method: 'POST',
      url: `/api/connectors/${id}/roll`,
      headers: owner.headers,
      payload: { api_key: key2, webhook_secret: secret2 },
    });
    sandbox.admin.revokeKey(key1);
    await inject({ method: 'POST', url: `/api/connectors/${id}/test`, headers: owner.headers });
    // Every GET route, as the UI and exports would read them.
    for (const r of listRoutes(app).filter((r) => r.method === 'GET' && r.url.startsWith('/api/')))
      await inject({ url: r.url.replace(':id', id).replace(':eventId', 'evt_none'), headers: owner.headers });

    const secrets = { key1, key2, secret1, secret2 };
    for (const [name, value] of Object.entries(secrets)) {
      expect(logs, `${name} in logs`).not.toContain(value);
      for (const body of answers) expect(body, `${name} in an answer`).not.toContain(value);
    }
    expect(logs).not.toContain(sessionToken);
    expect(logs.length).toBeGreaterThan(1000); // the capture really saw the requests

    // Every table, dumped as text.
    const tables = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
    );
    let dump = '';
    for (const { table_name } of tables.rows)
      dump += JSON.stringify((await db.query(`SELECT * FROM "${table_name}"`)).rows);
    expect(dump).toContain(id);
    for (const [name, value] of Object.entries({ ...secrets, sessionToken }))
      expect(dump, `${name} in the database`).not.toContain(value);

    // The raw files: the key file and the database folder, byte for byte.
    await app.close();
    await db.close();
    const files = filesUnder(dataDir);
    expect(files.some((f) => f.endsWith('master.key'))).toBe(true);
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const [name, value] of Object.entries(secrets))
        expect(bytes.includes(Buffer.from(value)), `${name} in ${file}`).toBe(false);
    }
    // Sanity: the connection really worked with the stored key before it was rolled.
    const stripe = new Stripe(key2, { host: '127.0.0.1', port: sandbox.port, protocol: 'http' });
    expect((await stripe.customers.list({ limit: 1 })).data).toHaveLength(1);
  });
});
