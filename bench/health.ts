import { recomputeAll } from '../src/accounts/recompute.ts';
import { type Db, openDb } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { applyStripeObjects } from '../src/store/apply-object.ts';
import type { StripeObject } from '../src/stripe/readers.ts';
import {
  card,
  charge,
  customer,
  DAY,
  invoice,
  price,
  subscription,
  utc,
} from '../test/accounts/stripe-objects.ts';

/**
 * `npm run bench -- health [--accounts 100000] [--store pglite|postgres|both] [--database-url URL]`
 *
 * Full recompute of N accounts. The data set is generated directly as Stripe objects of the pinned
 * API version's shape (customer with default card, subscription with its item, two monthly invoices
 * with their lines and payment intents, a charge per invoice — 1 in 10 failed and left open — in
 * USD, EUR and JPY) and written through applyStripeObjects, the store's one write path. The sandbox
 * generator is not used at this size. Only the recompute (link every customer → new account, then
 * MRR, history, movements, payment status, health for every account) is timed.
 */

const NOW = utc(2026, 7, 15);
const CURRENCIES = ['usd', 'eur', 'jpy'] as const;

function dataset(i: number): StripeObject[] {
  const cus = `cus_b${i}`;
  const cur = CURRENCIES[i % 3]!;
  const p = price({
    id: `price_${cur}_${i % 5}`,
    amount: cur === 'jpy' ? 1_000 * (1 + (i % 5)) : 1_000 * (1 + (i % 5)),
    currency: cur,
  });
  const sub = `sub_b${i}`;
  const failing = i % 10 === 0;
  const out: StripeObject[] = [
    customer({ id: cus, email: `user${i}@company${i}.io`, name: `Company ${i}`, defaultPm: `pm_b${i}` }),
    card({ id: `pm_b${i}`, customer: cus, expMonth: 1 + (i % 12), expYear: 2026 + (i % 3) }),
    subscription({
      id: sub,
      customer: cus,
      price: p,
      status: failing ? 'past_due' : 'active',
      start: utc(2026, 5, 1 + (i % 28)),
      periodStart: utc(2026, 7, 1),
    }),
  ];
  for (const m of [6, 7]) {
    const open = failing && m === 7;
    out.push(
      invoice({
        id: `in_b${i}_${m}`,
        customer: cus,
        subscription: sub,
        status: open ? 'open' : 'paid',
        amount: p.unit_amount,
        currency: cur,
        priceId: p.id,
        periodStart: utc(2026, m, 1),
        periodEnd: utc(2026, m + 1, 1),
        paymentIntent: `pi_b${i}_${m}`,
        attemptCount: open ? 2 : 1,
        nextPaymentAttempt: open ? NOW + 3 * DAY : null,
      }),
      charge({
        id: `ch_b${i}_${m}`,
        customer: cus,
        status: open ? 'failed' : 'succeeded',
        amount: p.unit_amount,
        currency: cur,
        created: utc(2026, m, 1) + 3600,
        paymentIntent: `pi_b${i}_${m}`,
        failureCode: open ? 'card_declined' : undefined,
        reason: open ? 'insufficient_funds' : undefined,
      }),
    );
  }
  return out;
}

async function seed(db: Db, accounts: number): Promise<number> {
  const started = Date.now();
  const scope = { workspaceId: 'default', connectorId: 'conn_bench' };
  await db.query(
    `INSERT INTO fx_rates (workspace_id, date, base, quote, rate) VALUES ('default', '2026-01-01', 'eur', 'usd', 1.08), ('default', '2026-01-01', 'jpy', 'usd', 0.0067) ON CONFLICT DO NOTHING`,
  );
  const batch = 200;
  for (let i = 0; i < accounts; i += batch) {
    const objects = Array.from({ length: Math.min(batch, accounts - i) }, (_, k) => dataset(i + k)).flat();
    await db.transaction((tx) => applyStripeObjects(tx, scope, objects, { sourceTs: 1 }));
    if (i % 10_000 === 0) process.stderr.write(`\rseeded ${i}/${accounts}`);
  }
  process.stderr.write('\n');
  return (Date.now() - started) / 1000;
}

async function measure(kind: 'pglite' | 'postgres', accounts: number, databaseUrl?: string) {
  const schema = kind === 'postgres' ? `bench_health_${Date.now()}` : undefined;
  const db = await openDb(kind === 'postgres' ? { databaseUrl, schema, poolSize: 4 } : {});
  try {
    await migrate(db);
    const seedSeconds = await seed(db, accounts);
    const t0 = performance.now();
    const result = await recomputeAll(db, { workspaceId: 'default', now: NOW, batchSize: 2000 });
    const seconds = (performance.now() - t0) / 1000;
    process.stderr.write(`${kind}: ${accounts} accounts recomputed in ${seconds.toFixed(1)} s\n`);
    return {
      store: kind,
      accounts: result.accounts,
      seed_seconds: seedSeconds,
      recompute_seconds: Math.round(seconds * 10) / 10,
      accounts_per_second: Math.round(result.accounts / seconds),
      by_health: result.byHealth,
      target_seconds: 60,
      within_target: seconds <= 60,
    };
  } finally {
    if (schema) await db.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => {});
    await db.close();
  }
}

export default async function (args: string[]) {
  const arg = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const accounts = Number(arg('accounts') ?? 100_000);
  const which = arg('store') ?? 'both';
  const databaseUrl =
    arg('database-url') ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const out = [];
  if (which !== 'postgres') out.push(await measure('pglite', accounts));
  if (which !== 'pglite') out.push(await measure('postgres', accounts, databaseUrl));
  return {
    full_recompute: out,
    event_to_health_p99: 'not measured (see report)',
    dataset:
      'generated stripe_* objects (pinned API shape) written through applyStripeObjects; 10 objects per account',
  };
}
