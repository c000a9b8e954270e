import { expect, it } from 'vitest';
import { afterApply, createAfterApplyHook } from '../../src/accounts/after-apply.ts';
import { recomputeAll } from '../../src/accounts/recompute.ts';
import { accountTimeline } from '../../src/accounts/timeline.ts';
import { saveFxRates } from '../../src/reports/fx-rates.ts';
import { refreshFxDependentFigures } from '../../src/reports/movements-in-currency.ts';
import { mrrReport } from '../../src/reports/mrr-report.ts';
import { applyStripeObjects } from '../../src/store/apply-object.ts';
import { describeEachStore } from '../support/stores.ts';
import { card, charge, customer, DAY, event, invoice, price, subscription, utc } from './stripe-objects.ts';

const ws = 'ws_fig';
const scope = { workspaceId: ws, connectorId: 'conn_fig' };
const NOW = utc(2026, 7, 15);

describeEachStore('billing figures from the store', ({ store }) => {
  const posture = async (customerId: string) =>
    (
      await store().db.query<Record<string, unknown>>(
        `SELECT p.* FROM account_posture p JOIN account_customers l ON l.account_id = p.account_id WHERE l.customer_id = $1`,
        [customerId],
      )
    ).rows[0]!;

  it('reconstructs monthly history from invoices, so movements sum to the MRR change', async () => {
    const db = store().db;
    await db.query(`INSERT INTO workspaces (id, name, reporting_currency) VALUES ($1, 'Figures', 'usd')`, [
      ws,
    ]);
    const basic = price({ id: 'price_basic', amount: 10_000 });
    const pro = price({ id: 'price_pro', amount: 20_000 });
    const objects = [
      customer({ id: 'cus_hist', email: 'a@hist.io', name: 'Hist' }),
      // 100.00/month from January, upgraded to 200.00 from the March invoice on
      subscription({
        id: 'sub_hist',
        customer: 'cus_hist',
        price: pro,
        start: utc(2026, 1, 1),
        periodStart: utc(2026, 7, 1),
      }),
      ...[1, 2].map((m) =>
        invoice({
          id: `in_h${m}`,
          customer: 'cus_hist',
          subscription: 'sub_hist',
          amount: 10_000,
          priceId: 'price_basic',
          periodStart: utc(2026, m, 1),
          periodEnd: utc(2026, m + 1, 1),
        }),
      ),
      ...[3, 4, 5, 6, 7].map((m) =>
        invoice({
          id: `in_h${m}`,
          customer: 'cus_hist',
          subscription: 'sub_hist',
          amount: 20_000,
          priceId: 'price_pro',
          periodStart: utc(2026, m, 1),
          periodEnd: utc(2026, m + 1, 1),
        }),
      ),
      // a second account that churned in May
      customer({ id: 'cus_gone', email: 'b@gone.io', name: 'Gone' }),
      subscription({
        id: 'sub_gone',
        customer: 'cus_gone',
        price: basic,
        status: 'canceled',
        start: utc(2026, 2, 1),
        periodStart: utc(2026, 4, 1),
        endedAt: utc(2026, 5, 1),
      }),
      ...[2, 3, 4].map((m) =>
        invoice({
          id: `in_g${m}`,
          customer: 'cus_gone',
          subscription: 'sub_gone',
          amount: 10_000,
          priceId: 'price_basic',
          periodStart: utc(2026, m, 1),
          periodEnd: utc(2026, m + 1, 1),
        }),
      ),
    ];
    await applyStripeObjects(db, scope, [basic, pro] as never, { sourceTs: 1 });
    await applyStripeObjects(db, scope, objects, { sourceTs: 1 });
    await recomputeAll(db, { workspaceId: ws, now: NOW });

    expect(await posture('cus_hist')).toMatchObject({
      health: 'healthy',
      mrr_reporting: 20_000,
      mrr_by_currency: { usd: 20_000 },
    });
    expect(await posture('cus_gone')).toMatchObject({ health: 'churned', mrr_reporting: 0 });

    const report = await mrrReport(db, ws, { from: '2026-01', to: '2026-07', interval: 'month' }, NOW);
    const byPeriod = Object.fromEntries(report.points.map((p) => [p.period, p]));
    expect(byPeriod['2026-01']!.movements).toMatchObject({ new: 10_000 });
    expect(byPeriod['2026-02']!.movements).toMatchObject({ new: 10_000 });
    expect(byPeriod['2026-03']!.movements).toMatchObject({ expansion: 10_000 });
    expect(byPeriod['2026-05']!.movements).toMatchObject({ churn: -10_000 });
    expect(byPeriod['2026-05']!.subscriber_churn_rate).toBe(0.5);
    expect(byPeriod['2026-07']!.mrr).toBe(20_000);
    expect(byPeriod['2026-07']!.arr).toBe(240_000);
    // the identity: over the whole range, Σ movements = MRR(end) − MRR(before start)
    const sum = report.points.reduce((s, p) => s + Object.values(p.movements!).reduce((a, b) => a + b, 0), 0);
    expect(sum).toBe(20_000 - 0);
    for (const [i, p] of report.points.entries()) {
      const before = i === 0 ? 0 : report.points[i - 1]!.mrr!;
      expect(Object.values(p.movements!).reduce((a, b) => a + b, 0)).toBe(p.mrr! - before);
    }
  });

  it('makes a missing FX rate an explicit error, and reports in the currency once the rate is loaded', async () => {
    const db = store().db;
    const eur = price({ id: 'price_eur', amount: 4_500, currency: 'eur' });
    await applyStripeObjects(
      db,
      scope,
      [
        customer({ id: 'cus_eur', email: 'c@euro.eu', name: 'Euro' }),
        subscription({
          id: 'sub_eur',
          customer: 'cus_eur',
          price: eur,
          start: utc(2026, 6, 1),
          periodStart: utc(2026, 7, 1),
        }),
      ],
      { sourceTs: 1 },
    );
    await recomputeAll(db, { workspaceId: ws, now: NOW });
    const p = await posture('cus_eur');
    expect(p).toMatchObject({
      mrr_reporting: null,
      mrr_error: 'missing_fx_rate',
      mrr_by_currency: { eur: 4_500 },
    });
    expect(p.mrr_error_message).toMatch(/No FX rate from EUR to USD/);
    const report = await mrrReport(db, ws, { from: '2026-06', to: '2026-07', interval: 'month' }, NOW);
    expect(report.points[1]).toMatchObject({ mrr: null, mrr_error: 'missing_fx_rate' });
    expect(report.by_currency).toContainEqual({ currency: 'eur', mrr: 4_500 });

    await saveFxRates(db, ws, [{ date: '2026-01-01', base: 'eur', quote: 'usd', rate: '1.1' }]);
    await refreshFxDependentFigures(db, ws, NOW);
    expect(await posture('cus_eur')).toMatchObject({ mrr_reporting: 4_950, mrr_error: null });
    const after = await mrrReport(db, ws, { from: '2026-06', to: '2026-07', interval: 'month' }, NOW);
    expect(after.points[0]!.movements).toMatchObject({ new: 4_950 });

    // The refresh stores the movements a full recompute would, connector included.
    const stored = async () =>
      (
        await db.query(
          `SELECT account_id, connector_id, to_char(day, 'YYYY-MM-DD') AS day, currency, kind, amount,
             fx_adjustment, mrr_start, mrr_end, error FROM account_movements WHERE workspace_id = $1
           ORDER BY account_id, day`,
          [ws],
        )
      ).rows;
    const refreshed = await stored();
    expect(refreshed.length).toBeGreaterThan(0);
    expect(refreshed.every((r) => r.connector_id === scope.connectorId && r.error === null)).toBe(true);
    await recomputeAll(db, { workspaceId: ws, now: NOW });
    expect(refreshed).toEqual(await stored());
  });

  it('turns a failed payment into at_risk with the invoice and attempt count, and tells it in the timeline', async () => {
    const db = store().db;
    const basic = price({ id: 'price_basic', amount: 4_500, currency: 'eur' });
    const failedAt = NOW - 2 * DAY;
    const inv = invoice({
      id: 'in_fail',
      customer: 'cus_fail',
      subscription: 'sub_fail',
      status: 'open',
      amount: 4_500,
      currency: 'eur',
      priceId: 'price_basic',
      periodStart: utc(2026, 7, 1),
      periodEnd: utc(2026, 8, 1),
      attemptCount: 2,
      nextPaymentAttempt: utc(2026, 7, 18),
      paymentIntent: 'pi_fail',
    });
    const objects = [
      customer({ id: 'cus_fail', email: 'd@fail.io', name: 'Failing', defaultPm: 'pm_fail' }),
      card({ id: 'pm_fail', customer: 'cus_fail', expMonth: 12, expYear: 2030 }),
      subscription({
        id: 'sub_fail',
        customer: 'cus_fail',
        price: basic,
        status: 'past_due',
        start: utc(2026, 6, 1),
        periodStart: utc(2026, 7, 1),
      }),
      inv,
      charge({
        id: 'ch_fail',
        customer: 'cus_fail',
        status: 'failed',
        amount: 4_500,
        currency: 'eur',
        created: failedAt,
        paymentIntent: 'pi_fail',
        failureCode: 'card_declined',
        reason: 'insufficient_funds',
      }),
      event({ id: 'evt_fail', type: 'invoice.payment_failed', created: failedAt, object: inv }),
    ];
    const hook = createAfterApplyHook({ now: () => NOW });
    for (const o of objects) {
      await db.transaction(async (tx) => {
        const result = await applyStripeObjects(tx, scope, [o], { sourceTs: 2 });
        await hook(tx, { scope, result, event: null });
      });
    }
    const p = await posture('cus_fail');
    expect(p.health).toBe('at_risk');
    expect(p.payment_status).toBe('past_due');
    const reason = (p.reasons as { code: string; evidence: Record<string, unknown> }[]).find(
      (r) => r.code === 'payment_failed',
    );
    expect(reason?.evidence).toMatchObject({ invoiceId: 'in_fail', attemptCount: 2 });
    const timeline = await accountTimeline(db, String(p.account_id));
    expect(timeline[0]!.text).toBe(
      'Payment of €45.00 failed: card declined (insufficient funds); next retry 18 Jul 2026',
    );
    expect(afterApply).toBeTypeOf('function');
  });
});
