// One account's billing figures from its loaded inputs: pure (no I/O), so the incremental and
// the full recompute cannot differ in how they compute, only in which accounts they visit.

import { convertMrr, type FxRatePoint, MissingFxRateError, ratesAsOf } from '../billing/fx.ts';
import { billingHealth, type Health, type HealthSettings } from '../billing/health.ts';
import { dailyMovement, type MovementKind } from '../billing/movements.ts';
import { accountMrr, accountScheduledChurnMrr } from '../billing/mrr.ts';
import { paymentStatus } from '../billing/payment-status.ts';
import type { MrrHistory, PerCurrency, Reason } from '../billing/types.ts';
import { dayOf, endOfDay, type MrrChangePoint, mrrChangePoints } from './history.ts';
import type { AccountInputs } from './load-inputs.ts';

export interface FiguresContext {
  workspaceId: string;
  reportingCurrency: string;
  fxTable: FxRatePoint[];
  /** Unix seconds the figures hold for */
  now: number;
  settings?: Partial<HealthSettings>;
}

export interface StoredMovement {
  day: string;
  kind: MovementKind | null;
  amount: number | null;
  fxAdjustment: number | null;
  mrrStart: number | null;
  mrrEnd: number | null;
  error: string | null;
}

export interface AccountFigures {
  accountId: string;
  connectorId: string | null;
  health: Health;
  reasons: Reason[];
  mrrByCurrency: PerCurrency;
  scheduledChurnByCurrency: PerCurrency;
  mrrReporting: number | null;
  mrrError: string | null;
  mrrErrorMessage: string | null;
  paymentStatus: string;
  daysPastDue: number;
  openAmountDue: PerCurrency;
  failedPayments30d: number;
  lastSuccessfulPaymentAt: number | null;
  nextPaymentAttempt: number | null;
  defaultPaymentMethodId: string | null;
  cardExpMonth: number | null;
  cardExpYear: number | null;
  everHadMrr: boolean;
  snapshots: MrrChangePoint[];
  movements: StoredMovement[];
}

// The rates of a day are looked up for every movement of every account: memoised per FX table.
const ratesMemo = new WeakMap<readonly FxRatePoint[], Map<string, ReturnType<typeof ratesAsOf>>>();

function ratesOn(table: readonly FxRatePoint[], day: string): ReturnType<typeof ratesAsOf> {
  let byDay = ratesMemo.get(table);
  if (!byDay) {
    byDay = new Map();
    ratesMemo.set(table, byDay);
  }
  let rates = byDay.get(day);
  if (!rates) {
    rates = ratesAsOf(table, day);
    byDay.set(day, rates);
  }
  return rates;
}

function previousDay(day: string): string {
  return dayOf(endOfDay(day) - 86_400);
}

function hasMrr(m: PerCurrency): boolean {
  return Object.values(m).some((v) => v > 0);
}

/** Movements at each change point: yesterday's and today's MRR at today's rates (billing-metrics.md). */
export function movementsOf(
  points: MrrChangePoint[],
  ctx: Pick<FiguresContext, 'fxTable' | 'reportingCurrency'>,
): StoredMovement[] {
  const out: StoredMovement[] = [];
  let prev: PerCurrency = {};
  let everHad = false;
  for (const p of points) {
    try {
      const m = dailyMovement(prev, p.mrr, everHad, {
        previous: ratesOn(ctx.fxTable, previousDay(p.day)),
        current: ratesOn(ctx.fxTable, p.day),
        reportingCurrency: ctx.reportingCurrency,
      });
      out.push({
        day: p.day,
        kind: m.kind,
        amount: m.amount,
        fxAdjustment: m.fxAdjustment,
        mrrStart: m.mrrStart,
        mrrEnd: m.mrrEnd,
        error: null,
      });
    } catch (error) {
      if (!(error instanceof MissingFxRateError)) throw error;
      out.push({
        day: p.day,
        kind: null,
        amount: null,
        fxAdjustment: null,
        mrrStart: null,
        mrrEnd: null,
        error: error.message,
      });
    }
    everHad ||= hasMrr(prev);
    prev = p.mrr;
  }
  return out;
}

/** The history in the reporting currency at today's rates (so FX drift never looks like a drop). */
function historyOf(points: MrrChangePoint[], ctx: FiguresContext): MrrHistory | null {
  const fx = ratesOn(ctx.fxTable, dayOf(ctx.now));
  try {
    return {
      currency: ctx.reportingCurrency,
      points: points.map((p) => ({
        at: Math.min(endOfDay(p.day), ctx.now),
        mrr: convertMrr(p.mrr, fx, ctx.reportingCurrency),
      })),
    };
  } catch (error) {
    if (error instanceof MissingFxRateError) return null;
    throw error;
  }
}

export function computeFigures(inputs: AccountInputs, ctx: FiguresContext): AccountFigures {
  const { now } = ctx;
  try {
    const snapshots = mrrChangePoints(inputs, now);
    const everHadMrr = snapshots.some((p) => hasMrr(p.mrr));
    const payment = paymentStatus(inputs, now);
    const health = billingHealth(
      {
        customerIds: inputs.customerIds,
        subscriptions: inputs.subscriptions,
        invoices: inputs.invoices,
        charges: inputs.charges,
        disputes: inputs.disputes,
        paymentMethods: inputs.paymentMethods,
        mrrHistory: historyOf(snapshots, ctx),
        everHadMrr,
        payment,
      },
      now,
      ctx.settings,
    );
    const mrrByCurrency = accountMrr(inputs.subscriptions, now);
    let mrrReporting: number | null = null;
    let mrrError: string | null = null;
    let mrrErrorMessage: string | null = null;
    try {
      mrrReporting = convertMrr(mrrByCurrency, ratesOn(ctx.fxTable, dayOf(now)), ctx.reportingCurrency);
    } catch (error) {
      if (!(error instanceof MissingFxRateError)) throw error;
      mrrError = error.code;
      mrrErrorMessage = error.message;
    }
    const card = inputs.paymentMethods.find((pm) => pm.isDefault) ?? null;
    return {
      accountId: inputs.accountId,
      connectorId: inputs.connectorId,
      health: health.health,
      reasons: health.reasons,
      mrrByCurrency,
      scheduledChurnByCurrency: accountScheduledChurnMrr(inputs.subscriptions, now),
      mrrReporting,
      mrrError,
      mrrErrorMessage,
      paymentStatus: payment.status,
      daysPastDue: payment.daysPastDue,
      openAmountDue: payment.openAmountDue,
      failedPayments30d: payment.failedPayments30d,
      lastSuccessfulPaymentAt: payment.lastSuccessfulPaymentAt,
      nextPaymentAttempt: payment.nextPaymentAttempt,
      defaultPaymentMethodId: card?.id ?? null,
      cardExpMonth: card?.expMonth ?? null,
      cardExpYear: card?.expYear ?? null,
      everHadMrr,
      snapshots,
      movements: movementsOf(snapshots, ctx),
    };
  } catch (error) {
    throw new Error(
      `Could not compute the billing figures of account ${inputs.accountId}: ${(error as Error).message}. ` +
        'Fix the Stripe object named in the message (or report it), then run `atlas-stripe recompute`',
      { cause: error },
    );
  }
}
