// Daily MRR movements of one account, in the reporting currency.
//
// The day's movement compares yesterday's and today's per-currency MRR both converted at TODAY's
// rates, so exchange-rate drift is never a movement. The drift is its own figure:
//   fxAdjustment = round(yesterday @ today's rates) − round(yesterday @ yesterday's rates)
//   amount       = round(today @ today's rates)     − round(yesterday @ today's rates)
// so amount + fxAdjustment = MRR_today − MRR_yesterday exactly (each MRR rounded once, as reported),
// and the identity MRR_end − MRR_start = Σ movements + Σ fx telescopes over any period.

import { convertMrr, type FxRates } from './fx.ts';
import type { PerCurrency } from './types.ts';

export {
  arpa,
  grossMrrChurnRate,
  netMrrChurnRate,
  quickRatio,
  subscriberChurnRate,
} from './rates.ts';

export type MovementKind = 'new' | 'reactivation' | 'expansion' | 'contraction' | 'churn';

export const MOVEMENT_KINDS: readonly MovementKind[] = [
  'new',
  'reactivation',
  'expansion',
  'contraction',
  'churn',
];

/** The rates of the two days compared, and the currency to report in. */
export interface DayFx {
  /** rates of the previous day (used only to measure the FX drift) */
  previous: FxRates;
  /** rates of the later day: both days' MRR are converted with these for the movement */
  current: FxRates;
  reportingCurrency: string;
}

export interface DailyMovement {
  kind: MovementKind | null;
  /** signed, minor units of the reporting currency (churn and contraction negative) */
  amount: number;
  /** signed, minor units of the reporting currency */
  fxAdjustment: number;
  /** previous day's MRR at its own rates (what was reported that day) */
  mrrStart: number;
  /** this day's MRR at its own rates */
  mrrEnd: number;
}

function hasMrr(perCurrency: PerCurrency): boolean {
  return Object.values(perCurrency).some((v) => v > 0);
}

/**
 * One day's movement. `everHadMrr` says whether the account had MRR > 0 at any time before the
 * previous day's end (it tells `new` from `reactivation`). Throws MissingFxRateError when a rate
 * is missing.
 */
export function dailyMovement(
  prevByCurrency: PerCurrency,
  nowByCurrency: PerCurrency,
  everHadMrr: boolean,
  fx: DayFx,
): DailyMovement {
  const { reportingCurrency } = fx;
  const mrrStart = convertMrr(prevByCurrency, fx.previous, reportingCurrency);
  const prevAtCurrent = convertMrr(prevByCurrency, fx.current, reportingCurrency);
  const mrrEnd = convertMrr(nowByCurrency, fx.current, reportingCurrency);
  const amount = mrrEnd - prevAtCurrent;
  const fxAdjustment = prevAtCurrent - mrrStart;

  // "previous 0" / "now 0" are judged in the original currencies, so a tiny amount that rounds to
  // 0 after conversion still counts as having MRR.
  const before = hasMrr(prevByCurrency);
  const after = hasMrr(nowByCurrency);
  let kind: MovementKind | null = null;
  if (!before && after) kind = everHadMrr ? 'reactivation' : 'new';
  else if (before && !after) kind = 'churn';
  else if (before && after && amount > 0) kind = 'expansion';
  else if (before && after && amount < 0) kind = 'contraction';
  return { kind, amount, fxAdjustment, mrrStart, mrrEnd };
}

export interface MrrDay {
  /** YYYY-MM-DD */
  date: string;
  /** the account's MRR per currency at the end of this day */
  mrr: PerCurrency;
  /** rates in force on this day */
  fx: FxRates;
}

export interface DatedMovement extends DailyMovement {
  date: string;
}

/**
 * Movements of one account over a daily series (one entry per consecutive day, oldest first):
 * one movement per day after the first. `everHadMrrBefore` says whether the account had MRR before
 * the series starts.
 */
export function movementsFromSeries(
  days: readonly MrrDay[],
  reportingCurrency: string,
  everHadMrrBefore = false,
): DatedMovement[] {
  const out: DatedMovement[] = [];
  let everHad = everHadMrrBefore;
  for (let i = 1; i < days.length; i++) {
    const prev = days[i - 1]!;
    const day = days[i]!;
    everHad ||= hasMrr(prev.mrr);
    const m = dailyMovement(prev.mrr, day.mrr, everHad, {
      previous: prev.fx,
      current: day.fx,
      reportingCurrency,
    });
    out.push({ date: day.date, ...m });
  }
  return out;
}

export interface MovementTotals {
  new: number;
  reactivation: number;
  expansion: number;
  contraction: number;
  churn: number;
  fxAdjustment: number;
  /** Σ movements + fxAdjustment = MRR_end − MRR_start */
  net: number;
  /** number of days (movements) of each kind */
  counts: Record<MovementKind, number>;
}

/** Totals by kind over any set of daily movements (one account or many). */
export function summariseMovements(days: readonly DailyMovement[]): MovementTotals {
  const totals: MovementTotals = {
    new: 0,
    reactivation: 0,
    expansion: 0,
    contraction: 0,
    churn: 0,
    fxAdjustment: 0,
    net: 0,
    counts: { new: 0, reactivation: 0, expansion: 0, contraction: 0, churn: 0 },
  };
  for (const d of days) {
    totals.fxAdjustment += d.fxAdjustment;
    totals.net += d.amount + d.fxAdjustment;
    if (d.kind === null) continue;
    totals[d.kind] += d.amount;
    totals.counts[d.kind] += 1;
  }
  return totals;
}
