// Display formatting: money with the currency's own exponent (the shared, pure table in
// src/billing/money.ts: JPY 0 decimals, BHD 3), times in the viewer's zone and locale.

import { currencyExponent, formatMoney } from '../../src/billing/money.ts';
import type { Money } from './types.ts';

export const locale = typeof navigator === 'undefined' ? 'en-US' : navigator.language || 'en-US';

export function money(amount: number | null | undefined, currency: string | null | undefined): string {
  if (amount === null || amount === undefined || !currency) return '—';
  try {
    return formatMoney(amount, currency, locale);
  } catch {
    return `${amount} ${currency.toUpperCase()} (minor units)`;
  }
}

export function moneyOf(m: Money | null | undefined): string {
  return m ? money(m.amount, m.currency) : '—';
}

/** Minor units → a plain number of major units, for chart axes only (never for stored money). */
export function majorNumber(minor: number, currency: string): number {
  return minor / 10 ** currencyExponent(currency);
}

/** Short axis labels: "$12K". */
export function compactMoney(minor: number, currency: string): string {
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: currency.toUpperCase(),
    notation: 'compact',
    maximumFractionDigits: 1,
  }).format(majorNumber(minor, currency));
}

const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });

function toDate(value: string | number | null | undefined): Date | null {
  if (value === null || value === undefined || value === '') return null;
  // Unix seconds from Stripe-shaped fields, ISO strings from the API.
  const d = typeof value === 'number' ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function time(value: string | number | null | undefined): string {
  const d = toDate(value);
  return d ? dateTime.format(d) : '—';
}

export function day(value: string | number | null | undefined): string {
  const d = toDate(value);
  return d ? dateOnly.format(d) : '—';
}

const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });

export function ago(value: string | number | null | undefined, now = Date.now()): string {
  const d = toDate(value);
  if (!d) return 'never';
  const s = Math.round((d.getTime() - now) / 1000);
  const abs = Math.abs(s);
  if (abs < 60) return relative.format(s, 'second');
  if (abs < 3600) return relative.format(Math.round(s / 60), 'minute');
  if (abs < 86400) return relative.format(Math.round(s / 3600), 'hour');
  return relative.format(Math.round(s / 86400), 'day');
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function percent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(ratio);
}

export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : new Intl.NumberFormat(locale).format(n);
}

/** "past_due" → "Past due". */
export function words(code: string): string {
  const s = code.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
