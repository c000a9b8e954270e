import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripeEvent } from '../../src/webhooks/event.ts';
import { insertEvents } from '../../src/webhooks/inbox/insert-event.ts';
import { openTestStore, TEST_DATABASE_URL, type TestStore } from '../support/stores.ts';
import { makeEvent } from './support.ts';

/**
 * Two worker processes on one PostgreSQL inbox (SKIP LOCKED claims, per-object advisory locks):
 * no event is applied twice, none is lost, and for every object the newest state wins even though
 * its events are spread over both processes. PostgreSQL only: PGlite is one process by design.
 */

const SCRIPT = join(import.meta.dirname, 'worker-process.ts');

function runWorker(store: TestStore): Promise<number | null> {
  const proc = spawn(process.execPath, [SCRIPT, store.databaseUrl!, store.schema!], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    proc.on('error', reject);
    proc.on('exit', (code) => resolve(code));
  });
}

describe.skipIf(!TEST_DATABASE_URL)('webhook workers in two processes [postgres]', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore('postgres');
    await store.db.exec('CREATE TABLE test_applications (event_id text NOT NULL, pid text NOT NULL)');
    await store.db.query(
      `INSERT INTO connectors (id, workspace_id, name, status) VALUES ('conn_two', 'default', 'Stripe', 'connected')`,
    );
  });
  afterAll(async () => {
    await store?.close();
  });

  it('applies each event exactly once, and the newest state of each object wins', async () => {
    const T = Math.floor(Date.now() / 1000);
    // 40 customers × 10 updates each, one per second, inserted shuffled.
    const events = Array.from({ length: 400 }, (_, i) =>
      makeEvent({
        type: 'customer.updated',
        created: T + Math.floor(i / 40),
        object: { id: `cus_two${i % 40}`, object: 'customer', email: `v${Math.floor(i / 40)}@two.test` },
      }),
    ).sort(() => Math.random() - 0.5);
    await insertEvents(
      store.db,
      events.map((event) => ({
        workspaceId: 'default',
        connectorId: 'conn_two',
        event: event as StripeEvent,
        source: 'webhook' as const,
      })),
    );

    expect(await Promise.all([runWorker(store), runWorker(store)])).toEqual([0, 0]);

    const twice = await store.db.query<{ event_id: string; n: number }>(
      'SELECT event_id, count(*)::int AS n FROM test_applications GROUP BY event_id HAVING count(*) > 1',
    );
    expect(twice.rows).toEqual([]);
    const { rows: statuses } = await store.db.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM webhook_inbox WHERE connector_id = 'conn_two' GROUP BY status`,
    );
    // Every event done: applied, or stale when a newer state of its customer was already in.
    expect(statuses.filter((s) => !['applied', 'stale'].includes(s.status))).toEqual([]);
    expect(statuses.reduce((sum, s) => sum + s.n, 0)).toBe(400);
    const applied = await store.db.query<{ n: number }>(
      'SELECT count(DISTINCT event_id)::int AS n FROM test_applications',
    );
    expect(applied.rows[0]!.n).toBe(400);
    const { rows: customers } = await store.db.query<{ email: string }>(
      `SELECT email FROM stripe_customers WHERE connector_id = 'conn_two'`,
    );
    expect(customers).toHaveLength(40);
    expect(new Set(customers.map((c) => c.email))).toEqual(new Set(['v9@two.test']));
  }, 120_000);
});
