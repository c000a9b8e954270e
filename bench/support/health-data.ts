// The synthetic data set of the health benchmark: Stripe objects of the pinned API version's shape,
// written through applyStripeObjects (the store's one write path) in large multi-row batches.

import type { Db } from '../../src/db/client.ts';
import { applyStripeObjects } from '../../src/store/apply-object.ts';
import type { StripeObject } from '../../src/stripe/readers.ts';
import {
  card,
  charge,
  customer,
  DAY,
  event,
  invoice,
  price,
  subscription,
  utc,
} from '../../test/accounts/stripe-objects.ts';

export const NOW = utc(2026, 7, 15);
export const SCOPE = { workspaceId: 'default', connectorId: 'conn_bench' };
const CURRENCIES = ['usd', 'eur', 'jpy'] as const;

/**
 * Account i: a customer with a default card, a subscription with its item, two monthly invoices
 * with their lines and payments, a charge per invoice (1 in 10 failed and left open, with its
 * invoice.payment_failed event), in USD, EUR or JPY.
 */
export function dataset(i: number): StripeObject[] {
  const cus = `cus_b${i}`;
  const cur = CURRENCIES[i % 3]!;
  const p = price({ id: `price_${cur}_${i % 5}`, amount: 1_000 * (1 + (i % 5)), currency: cur });
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
    const inv = invoice({
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
    });
    out.push(
      inv,
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
    if (open) {
      out.push(
        event({
          id: `evt_b${i}_${m}`,
          type: 'invoice.payment_failed',
          created: utc(2026, m, 1) + 3600,
          object: inv,
        }),
      );
    }
  }
  return out;
}

/** Accounts per applyStripeObjects call: ~1,000 objects (plus their nested lines and items). */
const ACCOUNTS_PER_CALL = 100;

/**
 * Writes accounts [0, n) unless the store already holds them (a kept --data-dir or --schema), so a
 * 100,000-account store is loaded once and the recompute measured many times. Returns seconds spent.
 */
export async function seed(
  db: Db,
  n: number,
  options: { concurrency?: number; connectorId?: string } = {},
): Promise<number> {
  const scope = { ...SCOPE, connectorId: options.connectorId ?? SCOPE.connectorId };
  const started = performance.now();
  await db.query(
    `INSERT INTO fx_rates (workspace_id, date, base, quote, rate) VALUES ('default', '2026-01-01', 'eur', 'usd', 1.08),
       ('default', '2026-01-01', 'jpy', 'usd', 0.0067) ON CONFLICT DO NOTHING`,
  );
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM stripe_customers WHERE connector_id = $1',
    [scope.connectorId],
  );
  const have = rows[0]?.n ?? 0;
  if (have === n) return 0;
  if (have !== 0) {
    throw new Error(
      `The kept store holds ${have} bench customers, not ${n}: use another --data-dir/--schema`,
    );
  }
  // PGlite has one connection; PostgreSQL gets a few transactions in flight.
  const concurrency = db.kind === 'postgres' ? (options.concurrency ?? 3) : 1;
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (;;) {
      const from = next;
      next += ACCOUNTS_PER_CALL;
      if (from >= n) return;
      const objects = Array.from({ length: Math.min(ACCOUNTS_PER_CALL, n - from) }, (_, k) =>
        dataset(from + k),
      );
      await db.transaction((tx) => applyStripeObjects(tx, scope, objects.flat(), { sourceTs: 1 }));
      done += objects.length;
      if (done % 5_000 < ACCOUNTS_PER_CALL) process.stderr.write(`\rseeded ${done}/${n}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  process.stderr.write('\n');
  return (performance.now() - started) / 1000;
}

/** Removes what a recompute derives (accounts made from customers, links, figures) before timing it. */
export async function resetDerived(db: Db): Promise<void> {
  await db.query('DELETE FROM accounts WHERE workspace_id = $1', [SCOPE.workspaceId]);
}
