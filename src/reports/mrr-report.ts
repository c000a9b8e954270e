// The MRR report (product.md part 7) over monthly periods, from the stored daily change points
// and daily movements of every account.
//
// MRR at a period end = Σ over accounts of the account's MRR that day, each converted at that
// day's rates and rounded once (as the movements are). Movements by kind are the stored daily
// movements of the period. fx_adjustment is the rest: the daily FX drifts telescope, so
// MRR_end − MRR_start − Σ movements equals the sum of every day's drift exactly, including days on
// which nothing moved (those days are not stored).

import { z } from 'zod';
import { dayOf } from '../accounts/history.ts';
import { convertMrr, MissingFxRateError, ratesAsOf } from '../billing/fx.ts';
import { MOVEMENT_KINDS, type MovementKind } from '../billing/movements.ts';
import {
  arpa,
  grossMrrChurnRate,
  netMrrChurnRate,
  quickRatio,
  subscriberChurnRate,
} from '../billing/rates.ts';
import type { PerCurrency } from '../billing/types.ts';
import type { Queryable } from '../db/client.ts';
import { loadFxTable, reportingCurrencyOf } from './fx-rates.ts';
import { movementsForCurrency } from './movements-in-currency.ts';

const month = z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, 'use YYYY-MM or YYYY-MM-DD');

export const mrrReportQuery = z
  .object({
    from: month.optional(),
    to: month.optional(),
    currency: z
      .string()
      .regex(/^[a-zA-Z]{3}$/, 'currency must be a 3-letter code')
      .optional(),
    interval: z.literal('month', { message: 'interval must be month' }).default('month'),
  })
  .refine((v) => !v.from || !v.to || v.from.slice(0, 7) <= v.to.slice(0, 7), {
    message: 'from must not be after to',
    path: ['from'],
  });

export type MrrReportQuery = z.input<typeof mrrReportQuery>;

export interface ReportPoint {
  period: string;
  mrr: number | null;
  arr: number | null;
  mrr_error?: string;
  mrr_error_message?: string;
  movements: Record<MovementKind | 'fx_adjustment', number> | null;
  subscriber_churn_rate: number | null;
  gross_mrr_churn: number | null;
  net_mrr_churn: number | null;
  arpa: number | null;
  quick_ratio: number | null;
}

export interface MrrReport {
  currency: string;
  points: ReportPoint[];
  by_currency: { currency: string; mrr: number }[];
}

function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

function lastDayOf(period: string, today: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return last < today ? last : today;
}

function dayBefore(period: string): string {
  return new Date(Date.parse(`${period}-01T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

interface Boundary {
  day: string;
  perAccount: Map<string, PerCurrency>;
}

export async function mrrReport(
  q: Queryable,
  workspaceId: string,
  query: z.output<typeof mrrReportQuery>,
  now = Math.floor(Date.now() / 1000),
): Promise<MrrReport> {
  const today = dayOf(now);
  const workspaceCurrency = await reportingCurrencyOf(q, workspaceId);
  const currency = (query.currency ?? workspaceCurrency).toLowerCase();
  const to = (query.to ?? today).slice(0, 7);
  const from = (query.from ?? `${Number(to.slice(0, 4)) - 1}${to.slice(4, 7)}`).slice(0, 7);
  const periods = monthsBetween(from, to);
  if (periods.length > 120) throw new RangeError('A report covers at most 120 months; narrow from/to');
  const fxTable = await loadFxTable(q, workspaceId, currency);

  // Each account's MRR at each boundary day: the latest change point on or before it.
  const days = [dayBefore(periods[0]!), ...periods.map((p) => lastDayOf(p, today))];
  const { rows: snaps } = await q.query<{ account_id: string; day: string; mrr: PerCurrency }>(
    `SELECT account_id, to_char(day, 'YYYY-MM-DD') AS day, mrr FROM account_mrr_snapshots
     WHERE workspace_id = $1 AND day <= $2::date ORDER BY account_id, day`,
    [workspaceId, days[days.length - 1]],
  );
  const boundaries: Boundary[] = days.map((day) => ({ day, perAccount: new Map() }));
  for (const s of snaps) {
    for (const b of boundaries) if (s.day <= b.day) b.perAccount.set(s.account_id, s.mrr);
  }

  const movementRows = await periodMovements(q, workspaceId, {
    currency,
    workspaceCurrency,
    first: days[0]!,
    last: days[days.length - 1]!,
  });

  const convertAt = (b: Boundary) => {
    const fx = ratesAsOf(fxTable, b.day);
    let total = 0;
    let paying = 0;
    for (const mrr of b.perAccount.values()) {
      const v = convertMrr(mrr, fx, currency);
      total += v;
      if (Object.values(mrr).some((x) => x > 0)) paying++;
    }
    return { total, paying };
  };

  const points: ReportPoint[] = periods.map((period, i) => {
    const start = boundaries[i]!;
    const end = boundaries[i + 1]!;
    const inPeriod = movementRows.filter((m) => m.day > start.day && m.day <= end.day);
    const empty: ReportPoint = {
      period,
      mrr: null,
      arr: null,
      movements: null,
      subscriber_churn_rate: null,
      gross_mrr_churn: null,
      net_mrr_churn: null,
      arpa: null,
      quick_ratio: null,
    };
    try {
      const failed = inPeriod.find((m) => m.error !== null);
      if (failed) throw new MissingFxRateError(failed.errorCurrency ?? '?', failed.day, currency);
      const s = convertAt(start);
      const e = convertAt(end);
      const sums = { new: 0, reactivation: 0, expansion: 0, contraction: 0, churn: 0 } as Record<
        MovementKind,
        number
      >;
      const counts = { new: 0, churn: 0 };
      for (const m of inPeriod) {
        if (!m.kind) continue;
        sums[m.kind] += m.amount ?? 0;
        if (m.kind === 'new') counts.new++;
        if (m.kind === 'churn') counts.churn++;
      }
      const moved = MOVEMENT_KINDS.reduce((acc, k) => acc + sums[k], 0);
      return {
        period,
        mrr: e.total,
        arr: e.total * 12,
        movements: { ...sums, fx_adjustment: e.total - s.total - moved },
        subscriber_churn_rate: subscriberChurnRate({
          churnedAccounts: counts.churn,
          accountsAtStart: s.paying,
          newAccounts: counts.new,
        }),
        gross_mrr_churn: grossMrrChurnRate({
          churn: sums.churn,
          contraction: sums.contraction,
          mrrAtStart: s.total,
        }),
        net_mrr_churn: netMrrChurnRate({ ...sums, mrrAtStart: s.total }),
        arpa: arpa({ mrr: e.total, accountsWithMrr: e.paying }),
        quick_ratio: quickRatio(sums),
      };
    } catch (error) {
      if (!(error instanceof MissingFxRateError)) throw error;
      return { ...empty, mrr_error: error.code, mrr_error_message: error.message };
    }
  });

  const byCurrency: PerCurrency = {};
  for (const mrr of boundaries[boundaries.length - 1]!.perAccount.values()) {
    for (const [c, v] of Object.entries(mrr)) byCurrency[c] = (byCurrency[c] ?? 0) + v;
  }
  return {
    currency,
    points,
    by_currency: Object.entries(byCurrency)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([c, mrr]) => ({ currency: c, mrr })),
  };
}

interface MovementRow {
  account_id: string;
  day: string;
  kind: MovementKind | null;
  amount: number | null;
  error: string | null;
  errorCurrency?: string;
}

/** Stored movements when the report is in the currency they were stored in, else recomputed from
 * the change points with the same rule (src/accounts/figures.ts). */
async function periodMovements(
  q: Queryable,
  workspaceId: string,
  o: { currency: string; workspaceCurrency: string; first: string; last: string },
): Promise<MovementRow[]> {
  if (o.currency === o.workspaceCurrency) {
    const { rows } = await q.query<MovementRow>(
      `SELECT account_id, to_char(day, 'YYYY-MM-DD') AS day, kind, amount, error FROM account_movements
       WHERE workspace_id = $1 AND day > $2::date AND day <= $3::date AND currency = $4`,
      [workspaceId, o.first, o.last, o.currency],
    );
    return rows.map((r) => ({ ...r, errorCurrency: /from ([A-Z]{3})/.exec(r.error ?? '')?.[1] }));
  }
  return movementsForCurrency(q, workspaceId, o);
}
