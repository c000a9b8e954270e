import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/index.ts';
import { getConnector, saveConnector } from '../../src/connector/connectors.ts';
import { commonColumns, FAMILIES } from '../../src/store/families.ts';
import { createStripeClient } from '../../src/stripe/client.ts';
import type { StripeObject } from '../../src/stripe/readers.ts';
import { describeEachStore } from '../support/stores.ts';
import { seedSandbox } from './sandbox-seed.ts';
import { type Harness, signatureFor, startHarness, waitFor } from './support.ts';

/**
 * Events from the sandbox, over real HTTP: signed deliveries as the sandbox sends them, then the
 * same events replayed shuffled with duplicates. Either way the store must end equal to the
 * sandbox's own state for every object those events touched.
 */

describeEachStore('webhooks from the sandbox', ({ store }) => {
  let sandbox: Sandbox;
  let h: Harness;
  beforeAll(async () => {
    // A generous delivery timeout: this asserts what is stored, not how fast a loaded CI box answers.
    sandbox = await startSandbox({ seed: 7, webhookTimeoutMs: 120_000 });
    h = await startHarness(store().db, {
      workers: 2,
      apiKey: sandbox.restrictedKey,
      apiBase: sandbox.apiBase,
      withClient: true,
    });
    const endpoint = sandbox.admin.addWebhookEndpoint(`${h.url}/webhooks/stripe/${h.connectorId}`);
    await saveConnector(h.db, h.vault, {
      id: h.connectorId,
      workspaceId: 'default',
      apiKey: sandbox.restrictedKey,
      apiBase: sandbox.apiBase,
      webhookSecret: endpoint.secret,
    });
    h.webhooks.connectors.invalidate();
    await seedSandbox(sandbox, { customers: 20 });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await sandbox?.close();
  });

  const settled = () =>
    waitFor(
      async () =>
        (
          await h.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM webhook_inbox WHERE connector_id = $1 AND status IN ('pending', 'failed')`,
            [h.connectorId],
          )
        ).rows[0]!.n,
      (n) => n === 0,
      60_000,
    );

  /**
   * Every object the inbox's events touched, compared with the sandbox's current state on the
   * columns the product reads (status, amounts, customer, family key columns). Whole payloads are not
   * compared: like Stripe, the sandbox changes some fields without an event (next_invoice_sequence).
   */
  async function expectStoreMatchesSandbox(): Promise<number> {
    const client = createStripeClient({
      apiKey: sandbox.secretKey,
      apiBase: sandbox.apiBase,
      rateLimitRps: 1000,
    });
    let compared = 0;
    const mismatches: string[] = [];
    for (const spec of FAMILIES) {
      if (!spec.listPath || spec.family === 'events') continue;
      const cols = ['status', 'amount', 'customer_id', 'currency', ...Object.keys(spec.columns)];
      const { rows } = await h.db.query<Record<string, unknown> & { id: string; deleted: boolean }>(
        `SELECT id, deleted, ${cols.join(', ')} FROM ${spec.table} WHERE connector_id = $1`,
        [h.connectorId],
      );
      for (const row of rows) {
        const current = await client
          .get<StripeObject>(`${spec.listPath}/${row.id}`)
          .catch((e: { status?: number }) => {
            if (e.status === 404) return null;
            throw e;
          });
        if (!current || current.body.deleted === true) {
          if (!row.deleted)
            mismatches.push(`${spec.family} ${row.id}: deleted in the sandbox, not in the store`);
          continue;
        }
        const expected: Record<string, unknown> = { ...commonColumns(spec, current.body) };
        for (const [col, read] of Object.entries(spec.columns)) expected[col] = read(current.body);
        for (const col of cols) {
          const want = expected[col] ?? null;
          const got = row[col] ?? null;
          if (String(want) !== String(got))
            mismatches.push(`${spec.family} ${row.id}.${col}: store ${got}, sandbox ${want}`);
        }
        compared++;
      }
    }
    expect(mismatches).toEqual([]);
    return compared;
  }

  it('applies signed sandbox deliveries, marks the connector connected, and ends equal to the sandbox', async () => {
    sandbox.admin.advance({ seconds: 45 * 86400 });
    await sandbox.admin.waitForDeliveries();
    const deliveries = sandbox.admin.deliveries().filter((d) => d.url.includes(h.connectorId));
    expect(deliveries.length).toBeGreaterThan(50);
    expect(
      deliveries
        .filter((d) => d.status_code !== 200)
        .map((d) => `${d.event_type}: ${d.status_code} ${d.error}`),
    ).toEqual([]);
    await settled();
    expect((await getConnector(h.db, h.connectorId))?.status).toBe('connected');
    const { rows } = await h.db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM webhook_inbox WHERE connector_id = $1 GROUP BY status',
      [h.connectorId],
    );
    expect(rows.find((r) => r.status === 'parked')).toBeUndefined();
    expect(await expectStoreMatchesSandbox()).toBeGreaterThan(20);
  }, 180_000);

  it('ends equal to the sandbox after 1,000 deliveries (20% duplicates) in shuffled order', async () => {
    // Real sandbox events (from its /v1/events), re-delivered by us in a hostile order. Deliveries
    // to our endpoint are switched off meanwhile, so only the replay reaches the store.
    const client = createStripeClient({
      apiKey: sandbox.secretKey,
      apiBase: sandbox.apiBase,
      rateLimitRps: 1000,
    });
    await settled();
    await h.db.query('DELETE FROM webhook_inbox WHERE connector_id = $1', [h.connectorId]);
    for (const f of FAMILIES)
      await h.db.query(`DELETE FROM ${f.table} WHERE connector_id = $1`, [h.connectorId]);
    await saveConnector(h.db, h.vault, {
      id: h.connectorId,
      workspaceId: 'default',
      apiKey: sandbox.restrictedKey,
      apiBase: sandbox.apiBase,
      webhookSecret: 'whsec_elsewhere',
    });
    const byId = new Map<string, Record<string, unknown>>();
    const collect = async () => {
      let after: string | undefined;
      for (;;) {
        const page = await client.list<Record<string, unknown>>('/v1/events', {
          limit: 100,
          starting_after: after,
        });
        for (const e of page.data) byId.set(e.id as string, e);
        if (!page.has_more) return;
        after = page.data.at(-1)?.id as string;
      }
    };
    await collect();
    while (byId.size < 800) {
      sandbox.admin.advance({ seconds: 10 * 86400 });
      await collect();
    }
    await sandbox.admin.waitForDeliveries();
    // The newest ~800, cut between two seconds: each touched object's latest event is among them.
    const sorted = [...byId.values()].sort((a, b) => (b.created as number) - (a.created as number));
    const cutoff = sorted[799]!.created as number;
    const unique = sorted.filter((e) => (e.created as number) > cutoff);
    expect(unique.length).toBeGreaterThan(700);
    // 20% of the deliveries are duplicates (a quarter of the events sent twice).
    const deliveries = [...unique, ...unique.slice(0, Math.round(unique.length / 4))];
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
    }
    const secret = `whsec_replay${Date.now()}`;
    await saveConnector(h.db, h.vault, {
      id: h.connectorId,
      workspaceId: 'default',
      apiKey: sandbox.restrictedKey,
      apiBase: sandbox.apiBase,
      webhookSecret: secret,
    });
    h.webhooks.connectors.invalidate();
    const statuses: number[] = [];
    for (let i = 0; i < deliveries.length; i += 20) {
      const answers = await Promise.all(
        deliveries.slice(i, i + 20).map((e) => {
          const body = JSON.stringify(e);
          return h.post(body, { 'stripe-signature': signatureFor(body, secret) });
        }),
      );
      statuses.push(...answers.map((r) => r.status));
    }
    expect(statuses.every((s) => s === 200)).toBe(true);
    await settled();
    const inbox = await h.db.query<{ n: number; applied: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE status IN ('applied', 'stale', 'ignored'))::int AS applied
       FROM webhook_inbox WHERE connector_id = $1`,
      [h.connectorId],
    );
    expect(inbox.rows[0]).toEqual({ n: unique.length, applied: unique.length });
    const events2 = await h.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM stripe_events WHERE connector_id = $1',
      [h.connectorId],
    );
    expect(events2.rows[0]!.n).toBe(unique.length);
    expect(await expectStoreMatchesSandbox()).toBeGreaterThan(50);
  }, 240_000);

  it('catches up on events missed while down: lists /v1/events, applies them, ends equal to the sandbox', async () => {
    await settled();
    const { rows } = await h.db.query<{ last: number }>(
      'SELECT max(created) AS last FROM webhook_inbox WHERE connector_id = $1',
      [h.connectorId],
    );
    const lastSeen = rows[0]!.last;
    // Deliveries to us are refused meanwhile (the connector holds another secret since the replay):
    // three simulated days of renewals and payments happen with no event reaching the inbox.
    sandbox.admin.advance({ seconds: 3 * 86400 });
    await sandbox.admin.waitForDeliveries();
    const client = createStripeClient({
      apiKey: sandbox.secretKey,
      apiBase: sandbox.apiBase,
      rateLimitRps: 1000,
    });
    const missed: string[] = [];
    for (let after: string | undefined; ; ) {
      const page = await client.list<{ id: string }>('/v1/events', {
        limit: 100,
        created: { gt: lastSeen },
        starting_after: after,
      });
      missed.push(...page.data.map((e) => e.id));
      if (!page.has_more) break;
      after = page.data.at(-1)!.id;
    }
    expect(missed.length).toBeGreaterThan(10);
    const held = await h.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM webhook_inbox WHERE connector_id = $1 AND event_id = ANY($2::text[])',
      [h.connectorId, missed],
    );
    expect(held.rows[0]!.n).toBe(0);

    // What the server runs at start (and on its schedule).
    const results = await h.webhooks.catchUp.runOnce();
    expect(results.find((r) => r.connectorId === h.connectorId)?.inserted).toBeGreaterThanOrEqual(
      missed.length,
    );
    await settled();
    const { rows: caught } = await h.db.query<{ source: string; status: string }>(
      'SELECT source, status FROM webhook_inbox WHERE connector_id = $1 AND event_id = ANY($2::text[])',
      [h.connectorId, missed],
    );
    expect(caught).toHaveLength(missed.length);
    expect(
      caught.filter((e) => e.source !== 'catch_up' || !['applied', 'stale', 'ignored'].includes(e.status)),
    ).toEqual([]);
    expect(await expectStoreMatchesSandbox()).toBeGreaterThan(50);
  }, 180_000);
});
