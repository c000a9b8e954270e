// Writes a batch of computed figures: posture upserted, change points and movements replaced.
// Each table takes one statement per batch (unnest of column arrays) whatever the batch size:
// row-by-row inserts were the bottleneck of the 100,000-account rebuild.

import type { Queryable } from '../db/client.ts';
import type { AccountFigures, FiguresContext, StoredMovement } from './figures.ts';

const json = (v: unknown) => JSON.stringify(v);

export async function writeFigures(
  q: Queryable,
  ctx: FiguresContext,
  figures: AccountFigures[],
): Promise<void> {
  if (figures.length === 0) return;
  const ids = figures.map((f) => f.accountId);
  const col = <T>(pick: (f: AccountFigures) => T) => figures.map(pick);
  await q.query(
    `INSERT INTO account_posture (account_id, workspace_id, connector_id, health, reasons, mrr_by_currency,
       scheduled_churn_by_currency, reporting_currency, mrr_reporting, mrr_error, mrr_error_message, payment_status,
       days_past_due, open_amount_due, failed_payments_30d, last_successful_payment_at, next_payment_attempt,
       default_payment_method_id, card_exp_month, card_exp_year, ever_had_mrr, as_of, computed_at)
     SELECT a, $1, c, h, r, m, sc, $2, mr, me, mm, ps, dpd, oad, fp, ls, np, dpm, em, ey, ev, $3, now()
     FROM unnest($4::text[], $5::text[], $6::text[], $7::jsonb[], $8::jsonb[], $9::jsonb[], $10::bigint[],
       $11::text[], $12::text[], $13::text[], $14::int[], $15::jsonb[], $16::int[], $17::bigint[], $18::bigint[],
       $19::text[], $20::int[], $21::int[], $22::boolean[])
       AS x(a, c, h, r, m, sc, mr, me, mm, ps, dpd, oad, fp, ls, np, dpm, em, ey, ev)
     ON CONFLICT (account_id) DO UPDATE SET workspace_id = EXCLUDED.workspace_id, connector_id = EXCLUDED.connector_id,
       health = EXCLUDED.health, reasons = EXCLUDED.reasons, mrr_by_currency = EXCLUDED.mrr_by_currency,
       scheduled_churn_by_currency = EXCLUDED.scheduled_churn_by_currency,
       reporting_currency = EXCLUDED.reporting_currency, mrr_reporting = EXCLUDED.mrr_reporting,
       mrr_error = EXCLUDED.mrr_error, mrr_error_message = EXCLUDED.mrr_error_message,
       payment_status = EXCLUDED.payment_status, days_past_due = EXCLUDED.days_past_due,
       open_amount_due = EXCLUDED.open_amount_due, failed_payments_30d = EXCLUDED.failed_payments_30d,
       last_successful_payment_at = EXCLUDED.last_successful_payment_at,
       next_payment_attempt = EXCLUDED.next_payment_attempt,
       default_payment_method_id = EXCLUDED.default_payment_method_id, card_exp_month = EXCLUDED.card_exp_month,
       card_exp_year = EXCLUDED.card_exp_year, ever_had_mrr = EXCLUDED.ever_had_mrr, as_of = EXCLUDED.as_of,
       computed_at = EXCLUDED.computed_at`,
    [
      ctx.workspaceId,
      ctx.reportingCurrency,
      ctx.now,
      ids,
      col((f) => f.connectorId),
      col((f) => f.health),
      col((f) => json(f.reasons)),
      col((f) => json(f.mrrByCurrency)),
      col((f) => json(f.scheduledChurnByCurrency)),
      col((f) => f.mrrReporting),
      col((f) => f.mrrError),
      col((f) => f.mrrErrorMessage),
      col((f) => f.paymentStatus),
      col((f) => f.daysPastDue),
      col((f) => json(f.openAmountDue)),
      col((f) => f.failedPayments30d),
      col((f) => f.lastSuccessfulPaymentAt),
      col((f) => f.nextPaymentAttempt),
      col((f) => f.defaultPaymentMethodId),
      col((f) => f.cardExpMonth),
      col((f) => f.cardExpYear),
      col((f) => f.everHadMrr),
    ],
  );

  // Both deletes are by the leading column of the primary key. With no statistics on these tables
  // (PGlite runs no autovacuum; a first recompute fills them from empty) the planner takes a
  // 1,000-value ANY for the whole table and scans it, so each batch cost more than the one before
  // (25 ms a batch at 100k accounts, O(n²) overall). The index is always right here.
  await q.query('SET LOCAL enable_seqscan = off');
  await q.query('DELETE FROM account_mrr_snapshots WHERE account_id = ANY($1::text[])', [ids]);
  await q.query('DELETE FROM account_movements WHERE account_id = ANY($1::text[])', [ids]);
  await q.query('RESET enable_seqscan');
  const snaps = figures.flatMap((f) => f.snapshots.map((s) => ({ f, s })));
  if (snaps.length > 0) {
    await q.query(
      `INSERT INTO account_mrr_snapshots (workspace_id, account_id, connector_id, day, mrr)
       SELECT $1, a, c, d, m FROM unnest($2::text[], $3::text[], $4::date[], $5::jsonb[]) AS x(a, c, d, m)`,
      [
        ctx.workspaceId,
        snaps.map((x) => x.f.accountId),
        snaps.map((x) => x.f.connectorId),
        snaps.map((x) => x.s.day),
        snaps.map((x) => json(x.s.mrr)),
      ],
    );
  }
  await insertMovements(
    q,
    ctx,
    figures.flatMap((f) =>
      f.movements.map((m) => ({ accountId: f.accountId, connectorId: f.connectorId, m })),
    ),
  );
}

/** Stored movements of accounts, in the workspace's reporting currency: one statement for all. */
export async function insertMovements(
  q: Queryable,
  scope: { workspaceId: string; reportingCurrency: string },
  moves: readonly { accountId: string; connectorId: string | null; m: StoredMovement }[],
): Promise<void> {
  if (moves.length === 0) return;
  await q.query(
    `INSERT INTO account_movements (workspace_id, account_id, connector_id, day, currency, kind, amount,
       fx_adjustment, mrr_start, mrr_end, error)
     SELECT $1, a, c, d, $2, k, am, fx, ms, me, er
     FROM unnest($3::text[], $4::text[], $5::date[], $6::text[], $7::bigint[], $8::bigint[], $9::bigint[],
       $10::bigint[], $11::text[]) AS x(a, c, d, k, am, fx, ms, me, er)`,
    [
      scope.workspaceId,
      scope.reportingCurrency,
      moves.map((x) => x.accountId),
      moves.map((x) => x.connectorId),
      moves.map((x) => x.m.day),
      moves.map((x) => x.m.kind),
      moves.map((x) => x.m.amount),
      moves.map((x) => x.m.fxAdjustment),
      moves.map((x) => x.m.mrrStart),
      moves.map((x) => x.m.mrrEnd),
      moves.map((x) => x.m.error),
    ],
  );
}
