// Conversion of per-currency amounts into the reporting currency with the FX rate table.
// A missing rate is an explicit error, never a silent 0.

import { currencyExponent } from './money.ts';
import { add, mul, parseDecimal, type Rational, rat, toSafeInteger, ZERO } from './rational.ts';
import type { PerCurrency } from './types.ts';

/** The rates in force on one day: rates[c] = reporting-currency major units per one major unit of c,
 * as an exact decimal string. The reporting currency itself needs no entry. */
export interface FxRates {
  /** the as-of date these rates are for, YYYY-MM-DD (UTC) */
  date: string;
  rates: Record<string, string>;
}

/** One row of the user-loaded FX rate table. */
export interface FxRatePoint {
  currency: string;
  /** YYYY-MM-DD (UTC) from which the rate is in force */
  date: string;
  /** reporting-currency major units per one major unit of `currency`, exact decimal string */
  rate: string;
}

export class MissingFxRateError extends Error {
  readonly code = 'missing_fx_rate';
  readonly currency: string;
  readonly date: string;
  constructor(currency: string, date: string, reportingCurrency: string) {
    super(
      `No FX rate from ${currency.toUpperCase()} to ${reportingCurrency.toUpperCase()} on or before ${date}; ` +
        'add one to the FX rate table to report this amount',
    );
    this.name = 'MissingFxRateError';
    this.currency = currency.toLowerCase();
    this.date = date;
  }
}

/** The rates in force on `date`: for each currency, the latest table row on or before it. */
export function ratesAsOf(table: readonly FxRatePoint[], date: string): FxRates {
  const best = new Map<string, FxRatePoint>();
  for (const row of table) {
    if (row.date > date) continue;
    const c = row.currency.toLowerCase();
    const current = best.get(c);
    if (!current || row.date > current.date) best.set(c, row);
  }
  const rates: Record<string, string> = {};
  for (const [c, row] of best) rates[c] = row.rate;
  return { date, rates };
}

/** Exact value, in minor units of the reporting currency, of one minor amount of `currency`. */
export function convertMinorExact(
  minor: number,
  currency: string,
  fx: FxRates,
  reportingCurrency: string,
): Rational {
  const from = currency.toLowerCase();
  const to = reportingCurrency.toLowerCase();
  if (minor === 0) return ZERO;
  if (from === to) return rat(minor);
  const rateText = fx.rates[from] ?? fx.rates[from.toUpperCase()];
  if (rateText === undefined) throw new MissingFxRateError(from, fx.date, to);
  // minor / 10^e(from) major × rate = major of `to`, × 10^e(to) minor of `to`.
  const scale = rat(10n ** BigInt(currencyExponent(to)), 10n ** BigInt(currencyExponent(from)));
  return mul(mul(rat(minor), parseDecimal(rateText)), scale);
}

/** Exact sum of per-currency amounts in minor units of the reporting currency (not yet rounded). */
export function convertExact(perCurrency: PerCurrency, fx: FxRates, reportingCurrency: string): Rational {
  let total = ZERO;
  for (const [currency, minor] of Object.entries(perCurrency)) {
    total = add(total, convertMinorExact(minor, currency, fx, reportingCurrency));
  }
  return total;
}

/** Per-currency MRR converted to the reporting currency: summed exactly, rounded half-to-even once.
 * Throws MissingFxRateError when a currency with a non-zero amount has no rate. */
export function convertMrr(perCurrency: PerCurrency, fx: FxRates, reportingCurrency: string): number {
  return toSafeInteger(convertExact(perCurrency, fx, reportingCurrency));
}
