// Movements from the stored change points, in any currency, and the refresh of every FX-dependent
// stored figure after the rate table changes (change points are in original currencies and never
// depend on rates; movements and reporting MRR do).

import { movementsOf } from '../accounts/figures.ts';
import { dayOf, type MrrChangePoint } from '../accounts/history.ts';
import { insertMovements } from '../accounts/write-figures.ts';
import { convertMrr, MissingFxRateError, ratesAsOf } from '../billing/fx.ts';
import type { MovementKind } from '../billing/movements.ts';
import type { PerCurrency } from '../billing/types.ts';
import type { Queryable } from '../db/client.ts';
import { loadFxTable, reportingCurrencyOf } from './fx-rates.ts';

/** Each account's change points in day order, with the connector its figures belong to. */
async function changePoints(
  q: Queryable,
  workspaceId: string,
  last?: string,
): Promise<Map<string, { connectorId: string | null; points: MrrChangePoint[] }>> {
  const { rows } = await q.query<{
    account_id: string;
    connector_id: string | null;
    day: string;
    mrr: PerCurrency;
  }>(
    `SELECT account_id, connector_id, to_char(day, 'YYYY-MM-DD') AS day, mrr FROM account_mrr_snapshots
     WHERE workspace_id = $1 ${last ? 'AND day <= $2::date' : ''} ORDER BY account_id, day`,
    last ? [workspaceId, last] : [workspaceId],
  );
  const out = new Map<string, { connectorId: string | null; points: MrrChangePoint[] }>();
  for (const r of rows) {
    const entry = out.get(r.account_id) ?? { connectorId: r.connector_id, points: [] };
    entry.points.push({ day: r.day, mrr: r.mrr });
    out.set(r.account_id, entry);
  }
  return out;
}

export async function movementsForCurrency(
  q: Queryable,
  workspaceId: string,
  o: { currency: string; first: string; last: string },
) {
  const fxTable = await loadFxTable(q, workspaceId, o.currency);
  const out: {
    account_id: string;
    day: string;
    kind: MovementKind | null;
    amount: number | null;
    error: string | null;
    errorCurrency?: string;
  }[] = [];
  for (const [accountId, { points }] of await changePoints(q, workspaceId, o.last)) {
    for (const m of movementsOf(points, { fxTable, reportingCurrency: o.currency })) {
      if (m.day <= o.first || m.day > o.last) continue;
      out.push({
        account_id: accountId,
        day: m.day,
        kind: m.kind,
        amount: m.amount,
        error: m.error,
        errorCurrency: /from ([A-Z]{3})/.exec(m.error ?? '')?.[1],
      });
    }
  }
  return out;
}

/** After the FX table or the reporting currency changes: re-derive stored movements and reporting MRR. */
export async function refreshFxDependentFigures(
  q: Queryable,
  workspaceId: string,
  now = Math.floor(Date.now() / 1000),
): Promise<{ accounts: number }> {
  const reportingCurrency = await reportingCurrencyOf(q, workspaceId);
  const fxTable = await loadFxTable(q, workspaceId, reportingCurrency);
  const points = await changePoints(q, workspaceId);
  const moves = [...points].flatMap(([accountId, { connectorId, points: list }]) =>
    movementsOf(list, { fxTable, reportingCurrency }).map((m) => ({ accountId, connectorId, m })),
  );
  await q.query('DELETE FROM account_movements WHERE workspace_id = $1', [workspaceId]);
  await insertMovements(q, { workspaceId, reportingCurrency }, moves);
  const { rows } = await q.query<{ account_id: string; mrr_by_currency: PerCurrency }>(
    'SELECT account_id, mrr_by_currency FROM account_posture WHERE workspace_id = $1',
    [workspaceId],
  );
  const fx = ratesAsOf(fxTable, dayOf(now));
  const updates = rows.map((r) => {
    try {
      return {
        id: r.account_id,
        mrr: convertMrr(r.mrr_by_currency, fx, reportingCurrency),
        error: null,
        message: null,
      };
    } catch (error) {
      if (!(error instanceof MissingFxRateError)) throw error;
      return { id: r.account_id, mrr: null, error: error.code, message: error.message };
    }
  });
  if (updates.length > 0) {
    await q.query(
      `UPDATE account_posture p SET mrr_reporting = x.m, mrr_error = x.e, mrr_error_message = x.msg, reporting_currency = $1
       FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[]) AS x(a, m, e, msg) WHERE p.account_id = x.a`,
      [
        reportingCurrency,
        updates.map((u) => u.id),
        updates.map((u) => u.mrr),
        updates.map((u) => u.error),
        updates.map((u) => u.message),
      ],
    );
  }
  return { accounts: rows.length };
}
