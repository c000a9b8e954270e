import fc from 'fast-check';
import { expect, it } from 'vitest';
import { createAfterApplyHook } from '../../src/accounts/after-apply.ts';
import { recomputeAll } from '../../src/accounts/recompute.ts';
import type { Queryable } from '../../src/db/client.ts';
import { applyStripeObjects } from '../../src/store/apply-object.ts';
import type { StripeObject } from '../../src/stripe/readers.ts';
import { describeEachStore } from '../support/stores.ts';
import { card, charge, customer, DAY, event, invoice, price, subscription, utc } from './stripe-objects.ts';

const NOW = utc(2026, 6, 20);
const PRICES = [
  price({ id: 'price_a', amount: 1_000 }),
  price({ id: 'price_b', amount: 2_500 }),
  price({ id: 'price_y', amount: 12_000, interval: 'year' }),
];
const CUSTOMERS = ['cus_p1', 'cus_p2', 'cus_p3', 'cus_p4'];
const EMAILS = ['a@one.io', 'b@one.io', 'c@gmail.com', 'd@two.io'];

/** One random Stripe object about one of four customers (two share a company domain). */
const objectArb: fc.Arbitrary<StripeObject> = fc.oneof(
  fc.record({ c: fc.integer({ min: 0, max: 3 }), pm: fc.boolean() }).map(({ c, pm }) =>
    customer({
      id: CUSTOMERS[c]!,
      email: EMAILS[c]!,
      name: `Customer ${c}`,
      defaultPm: pm ? `pm_${c}` : undefined,
    }),
  ),
  fc
    .record({
      c: fc.integer({ min: 0, max: 3 }),
      s: fc.integer({ min: 0, max: 1 }),
      p: fc.integer({ min: 0, max: 2 }),
      status: fc.constantFrom('active', 'past_due', 'canceled', 'trialing', 'unpaid'),
      startMonth: fc.integer({ min: 1, max: 5 }),
      quantity: fc.integer({ min: 1, max: 3 }),
    })
    .map((o) =>
      subscription({
        id: `sub_${o.c}_${o.s}`,
        customer: CUSTOMERS[o.c]!,
        price: PRICES[o.p]!,
        quantity: o.quantity,
        status: o.status,
        start: utc(2026, o.startMonth, 3),
        periodStart: utc(2026, 6, 3),
        endedAt: o.status === 'canceled' ? utc(2026, 6, 10) : null,
      }),
    ),
  fc
    .record({
      c: fc.integer({ min: 0, max: 3 }),
      s: fc.integer({ min: 0, max: 1 }),
      m: fc.integer({ min: 1, max: 6 }),
      p: fc.integer({ min: 0, max: 1 }),
      open: fc.boolean(),
    })
    .map((o) =>
      invoice({
        id: `in_${o.c}_${o.s}_${o.m}`,
        customer: CUSTOMERS[o.c]!,
        subscription: `sub_${o.c}_${o.s}`,
        status: o.open ? 'open' : 'paid',
        amount: PRICES[o.p]!.unit_amount,
        priceId: PRICES[o.p]!.id,
        periodStart: utc(2026, o.m, 3),
        periodEnd: utc(2026, o.m + 1, 3),
        paymentIntent: `pi_${o.c}_${o.s}_${o.m}`,
        nextPaymentAttempt: o.open ? NOW + 3 * DAY : null,
      }),
    ),
  fc
    .record({
      c: fc.integer({ min: 0, max: 3 }),
      s: fc.integer({ min: 0, max: 1 }),
      m: fc.integer({ min: 1, max: 6 }),
      failed: fc.boolean(),
      ago: fc.integer({ min: 1, max: 40 }),
    })
    .map((o) =>
      charge({
        id: `ch_${o.c}_${o.s}_${o.m}`,
        customer: CUSTOMERS[o.c]!,
        status: o.failed ? 'failed' : 'succeeded',
        amount: 1_000,
        created: NOW - o.ago * DAY,
        paymentIntent: `pi_${o.c}_${o.s}_${o.m}`,
        failureCode: o.failed ? 'card_declined' : undefined,
      }),
    ),
  fc
    .record({ c: fc.integer({ min: 0, max: 3 }), year: fc.integer({ min: 2026, max: 2028 }) })
    .map((o) => card({ id: `pm_${o.c}`, customer: CUSTOMERS[o.c]!, expMonth: 7, expYear: o.year })),
  fc
    .record({
      c: fc.integer({ min: 0, max: 3 }),
      m: fc.integer({ min: 1, max: 6 }),
      ago: fc.integer({ min: 1, max: 40 }),
    })
    .map((o) =>
      event({
        id: `evt_fail_${o.c}_${o.m}_${o.ago}`,
        type: 'invoice.payment_failed',
        created: NOW - o.ago * DAY,
        object: invoice({
          id: `in_${o.c}_0_${o.m}`,
          customer: CUSTOMERS[o.c]!,
          subscription: `sub_${o.c}_0`,
          status: 'open',
          amount: 1_000,
          priceId: 'price_a',
          periodStart: utc(2026, o.m, 3),
          periodEnd: utc(2026, o.m + 1, 3),
        }),
      }),
    ),
);

async function derived(q: Queryable, workspaceId: string) {
  const posture = await q.query(
    `SELECT p.account_id, p.health, p.reasons, p.mrr_by_currency, p.mrr_reporting, p.payment_status, p.days_past_due,
       p.open_amount_due, p.default_payment_method_id, p.ever_had_mrr, p.failed_payments_30d,
       p.last_successful_payment_at, p.next_payment_attempt FROM account_posture p WHERE p.workspace_id = $1 ORDER BY 1`,
    [workspaceId],
  );
  const snaps = await q.query(
    `SELECT account_id, day::text, mrr FROM account_mrr_snapshots WHERE workspace_id = $1 ORDER BY 1, 2`,
    [workspaceId],
  );
  const moves = await q.query(
    `SELECT account_id, day::text, kind, amount, fx_adjustment FROM account_movements WHERE workspace_id = $1 ORDER BY 1, 2`,
    [workspaceId],
  );
  return { posture: posture.rows, snaps: snaps.rows, moves: moves.rows };
}

describeEachStore('incremental recompute equals the full recompute', ({ store }) => {
  it('for random sequences of applied objects', async () => {
    const db = store().db;
    const hook = createAfterApplyHook({ now: () => NOW });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(objectArb, { minLength: 1, maxLength: 10 }), async (random) => {
        // a paying base (so most random objects change something), then the random sequence
        const base = CUSTOMERS.flatMap((id, c) => [
          customer({ id, email: EMAILS[c]!, name: `Customer ${c}` }),
          subscription({
            id: `sub_${c}_0`,
            customer: id,
            price: PRICES[0]!,
            start: utc(2026, 2, 3),
            periodStart: utc(2026, 6, 3),
          }),
        ]);
        const objects = [...base, ...random];
        run++;
        const ws = `ws_prop_${run}`;
        const scope = { workspaceId: ws, connectorId: `conn_prop_${run}` };
        await db.query(`INSERT INTO workspaces (id, name) VALUES ($1, 'prop')`, [ws]);
        await applyStripeObjects(db, scope, PRICES as never, { sourceTs: 1 });
        // incremental: each object applied in its own transaction with the hook, as the webhook worker does
        for (const [i, o] of objects.entries()) {
          await db.transaction(async (tx) => {
            const result = await applyStripeObjects(tx, scope, [o], { sourceTs: 10 + i });
            await hook(tx, { scope, result, event: o.object === 'event' ? (o as never) : null });
          });
        }
        const incremental = await derived(db, ws);
        // every account the hook created has figures (the hook ran, not just the full path)
        const accounts = await db.query('SELECT id FROM accounts WHERE workspace_id = $1', [ws]);
        expect(incremental.posture.length).toBe(accounts.rows.length);
        await db.query('DELETE FROM account_posture WHERE workspace_id = $1', [ws]);
        await db.query('DELETE FROM account_mrr_snapshots WHERE workspace_id = $1', [ws]);
        await db.query('DELETE FROM account_movements WHERE workspace_id = $1', [ws]);
        await recomputeAll(db, { workspaceId: ws, now: NOW, batchSize: 2 });
        const full = await derived(db, ws);
        expect(incremental).toEqual(full);
      }),
      { numRuns: 15, seed: 20260715 },
    );
  }, 180_000);
});
