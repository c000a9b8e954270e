// Money: currency exponents (the table in billing-metrics.md, never "divide by 100"), exact
// minor ↔ major conversion, and display through Intl.NumberFormat.

import { parseDecimal, type Rational, rat, roundHalfEven, toFixedExact, toSafeInteger } from './rational.ts';

export type { Rational } from './rational.ts';
export { parseDecimal, rat, roundHalfEven, toSafeInteger } from './rational.ts';

/** Amount is already in major units. */
export const ZERO_DECIMAL_CURRENCIES: ReadonlySet<string> = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);

export const THREE_DECIMAL_CURRENCIES: ReadonlySet<string> = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/** Number of decimal places of the currency's minor unit: 0, 3, or 2 for everything else. */
export function currencyExponent(currency: string): 0 | 2 | 3 {
  const c = currency.toLowerCase();
  if (ZERO_DECIMAL_CURRENCIES.has(c)) return 0;
  if (THREE_DECIMAL_CURRENCIES.has(c)) return 3;
  return 2;
}

function assertMinor(minor: number | bigint): bigint {
  if (typeof minor === 'bigint') return minor;
  if (!Number.isSafeInteger(minor)) {
    throw new RangeError(`Minor-unit amounts are integers; got ${minor}`);
  }
  return BigInt(minor);
}

/** Exact major-unit decimal string: toMajor(4500, 'eur') = "45.00", toMajor(10000, 'jpy') = "10000". */
export function toMajor(minor: number | bigint, currency: string): string {
  const exponent = currencyExponent(currency);
  return toFixedExact(rat(assertMinor(minor), 10n ** BigInt(exponent)), exponent);
}

/** Major units (a decimal string, or a number read through its shortest decimal form) to an integer
 * minor amount. Exact: throws RangeError when the value has more decimals than the currency has. */
export function fromMajor(major: string | number, currency: string): number {
  const value = parseDecimal(major);
  const minor = rat(value.num * 10n ** BigInt(currencyExponent(currency)), value.den);
  if (minor.den !== 1n) {
    throw new RangeError(
      `${major} ${currency.toUpperCase()} has more than ${currencyExponent(currency)} decimals; round it first`,
    );
  }
  return toSafeInteger(minor);
}

/** An exact rational amount in minor units, rounded half-to-even to an integer minor amount. */
export function roundMinor(amount: Rational): number {
  return Number(roundHalfEven(amount));
}

const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let f = formatters.get(key);
  if (!f) {
    const digits = currencyExponent(currency);
    f = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: currency.toUpperCase(),
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formatters.set(key, f);
  }
  return f;
}

/** formatMoney(4500, 'eur') = "€45.00"; formatMoney(10000, 'jpy') = "¥10,000". The value is handed to
 * Intl as an exact decimal string, so no float rounding can creep in. */
export function formatMoney(minor: number | bigint, currency: string, locale = 'en-US'): string {
  const major = toMajor(minor, currency) as Intl.StringNumericLiteral;
  return formatterFor(currency, locale).format(major);
}
