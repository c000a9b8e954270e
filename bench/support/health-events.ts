// Event received → account health updated, end to end: a running server (startServer, PGlite data
// folder or PostgreSQL), signed invoice.payment_failed events posted over loopback at a fixed rate,
// and each event's account polled until its posture was recomputed after the event was sent.

import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterApply } from '../../src/accounts/after-apply.ts';
import { resolveConfig } from '../../src/config/config.ts';
import { openDb } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { DEFAULT_CONNECTOR_ID, startServer } from '../../src/server/start-server.ts';
import { event, invoice, utc } from '../../test/accounts/stripe-objects.ts';
import { seed } from './health-data.ts';

const sdk = new Stripe('sk_test_bench');
const SECRET = 'whsec_bench_health_events';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export async function measureEventToHealth(options: {
  accounts: number;
  rate: number;
  seconds: number;
  store: 'pglite' | 'postgres';
  databaseUrl: string;
}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'atlas-bench-events-'));
  const schema = `bench_events_${Date.now()}`;
  const postgres = options.store === 'postgres';
  try {
    // The bench data set under the server's default connector. PGlite: the server's store lives in
    // <dataDir>/pg (src/db/open-store.ts); PostgreSQL: a schema of its own, dropped at the end.
    const db = postgres
      ? await openDb({ databaseUrl: options.databaseUrl, schema })
      : await openDb({ dataDir: join(dataDir, 'pg') });
    await migrate(db);
    await seed(db, options.accounts, { connectorId: DEFAULT_CONNECTOR_ID });
    await db.close();

    const config = resolveConfig(
      {
        dataDir,
        databaseUrl: postgres
          ? `${options.databaseUrl}${options.databaseUrl.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`
          : undefined,
        host: '127.0.0.1',
        port: 0,
        logLevel: 'silent',
        stripeApiKey: 'sk_test_bench',
        stripeWebhookSecret: SECRET,
        // Nothing listens there: catch-up and tie re-reads fail fast instead of calling Stripe.
        stripeApiBase: 'http://127.0.0.1:9',
      },
      {},
    );
    // The accounts hook, timed: its share of the run says whether recompute or intake/apply limits.
    let hookMs = 0;
    let hookCalls = 0;
    const timedHook: typeof afterApply = async (tx, input) => {
      const t0 = performance.now();
      await afterApply(tx, input);
      hookMs += performance.now() - t0;
      hookCalls++;
    };
    const server = await startServer(config, { afterApply: [timedHook], command: 'bench' });
    try {
      // Link every customer first (the full recompute a backfill ends with), so events find accounts.
      const { recomputeAll } = await import('../../src/accounts/recompute.ts');
      const linked = await recomputeAll(server.db, { workspaceId: 'default' });
      process.stderr.write(`linked ${linked.linked} customers; posting events\n`);
      const { rows } = await server.db.query<{ customer_id: string; account_id: string }>(
        'SELECT customer_id, account_id FROM account_customers WHERE connector_id = $1 ORDER BY customer_id',
        [DEFAULT_CONNECTOR_ID],
      );
      const pending = new Map<string, { sentAt: number; sentMs: number }>();
      const latencies: number[] = [];
      const statuses: Record<string, number> = {};
      const total = options.rate * options.seconds;
      const started = performance.now();
      const loadBefore = loadavg()[0];
      let polling = true;
      const poller = (async () => {
        while (polling || pending.size > 0) {
          if (pending.size > 0) {
            const ids = [...pending.keys()];
            const { rows: seen } = await server.db.query<{ account_id: string; computed_at: Date }>(
              'SELECT account_id, computed_at FROM account_posture WHERE account_id = ANY($1::text[])',
              [ids],
            );
            const now = performance.now();
            for (const r of seen) {
              const p = pending.get(r.account_id);
              // computed_at is the recomputing transaction's start: after the send means this event's
              if (p && new Date(r.computed_at).getTime() >= p.sentAt) {
                latencies.push(now - p.sentMs);
                pending.delete(r.account_id);
              }
            }
            if (!polling && performance.now() - started > (options.seconds + 60) * 1000) break;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const sends: Promise<void>[] = [];
      for (let k = 0; k < total; k++) {
        const due = started + (k * 1000) / options.rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const link = rows[k % rows.length]!;
        const i = Number(link.customer_id.slice('cus_b'.length));
        const created = Math.floor(Date.now() / 1000);
        const body = JSON.stringify(
          event({
            id: `evt_bench_${k}`,
            type: 'invoice.payment_failed',
            created,
            object: invoice({
              id: `in_b${i}_7`,
              customer: link.customer_id,
              subscription: `sub_b${i}`,
              status: 'open',
              amount: 1_000,
              priceId: `price_usd_${i % 5}`,
              periodStart: utc(2026, 7, 1),
              periodEnd: utc(2026, 8, 1),
              attemptCount: 2 + Math.floor(k / rows.length),
              nextPaymentAttempt: created + 3 * 86_400,
            }),
          }),
        );
        if (!pending.has(link.account_id)) {
          pending.set(link.account_id, { sentAt: Date.now(), sentMs: performance.now() });
        }
        sends.push(
          fetch(`${server.url}/webhooks/stripe`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'stripe-signature': sdk.webhooks.generateTestHeaderString({ payload: body, secret: SECRET }),
            },
            body,
          }).then(
            (r) => {
              statuses[r.status] = (statuses[r.status] ?? 0) + 1;
            },
            () => {
              statuses.network_error = (statuses.network_error ?? 0) + 1;
            },
          ),
        );
      }
      const sendSeconds = (performance.now() - started) / 1000;
      await Promise.all(sends);
      polling = false;
      await poller;
      latencies.sort((a, b) => a - b);
      return {
        store: options.store,
        accounts: options.accounts,
        events_sent: total,
        responses: statuses,
        hook_calls: hookCalls,
        hook_ms_total: Math.round(hookMs),
        hook_ms_per_call: Math.round((hookMs / Math.max(1, hookCalls)) * 10) / 10,
        run_seconds: Math.round((performance.now() - started) / 100) / 10,
        achieved_rate: Math.round(total / sendSeconds),
        observed: latencies.length,
        not_observed: pending.size,
        p50_ms: Math.round(percentile(latencies, 50)),
        p99_ms: Math.round(percentile(latencies, 99)),
        max_ms: Math.round(latencies.at(-1) ?? Number.NaN),
        target_p99_ms: 1000,
        within_target: percentile(latencies, 99) <= 1000,
        load_average_before: loadBefore,
        load_average_after: loadavg()[0],
        note: 'latency = first poll (every 20 ms) that sees the account recomputed after the send; one event per account in flight',
      };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    if (postgres) {
      const admin = await openDb({ databaseUrl: options.databaseUrl });
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.close();
    }
  }
}
