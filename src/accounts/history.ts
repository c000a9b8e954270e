// Past MRR of an account, reconstructed from what Stripe keeps: invoices and their line items.
//
// Method (per subscription, a step function of time):
// - 0 before the subscription started (`start_date`), during its trial, and from `ended_at` on.
// - Each finalised invoice of the subscription (open, paid or uncollectible) contributes one step at
//   the start of the period its non-proration subscription lines cover: the MRR of those lines
//   (price, quantity, `discount_amounts` as a per-invoice amount off) by the same pure rule as
//   today's MRR (src/billing/mrr.ts), as if the subscription were active then.
// - The current state holds from the latest of: the current period start, the latest
//   `customer.subscription.*` event for it, so a mid-period upgrade shows on the day it happened
//   when the event was received. Before the first invoice, the current state is assumed.
// - Prorations are not separate steps (they describe the same change as the next invoice).
// An account's daily MRR per currency is the sum of its subscriptions' values at the END of each
// day (UTC); only the days on which it changes are kept (change points).

import { subscriptionMrr } from '../billing/mrr.ts';
import type { BillingDiscount, BillingItem, BillingSubscription, PerCurrency } from '../billing/types.ts';
import { invoiceSubscriptionId, isObject, linePriceId, lineSubscriptionId, num } from '../stripe/readers.ts';
import type { AccountInputs } from './load-inputs.ts';
import { type CatalogLookup, toBillingPrice } from './to-billing.ts';

type Obj = Record<string, unknown>;

const DAY = 86_400;
const COUNTED_INVOICES = new Set(['open', 'paid', 'uncollectible']);

export interface MrrChangePoint {
  /** YYYY-MM-DD (UTC) */
  day: string;
  /** MRR per currency at the end of `day` (only non-zero currencies) */
  mrr: PerCurrency;
}

interface Step {
  at: number;
  mrr: number;
}

interface SubscriptionCurve {
  currency: string;
  start: number;
  end: number | null;
  trial: [number, number] | null;
  currentFrom: number;
  current: number;
  steps: Step[];
}

// Formatting dates dominated the history's cost: the text of each UTC day is made once.
const dayText = new Map<number, string>();

export function dayOf(t: number): string {
  const n = Math.floor(t / DAY);
  let text = dayText.get(n);
  if (text === undefined) {
    text = new Date(n * DAY * 1000).toISOString().slice(0, 10);
    if (dayText.size > 100_000) dayText.clear();
    dayText.set(n, text);
  }
  return text;
}

export function endOfDay(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / 1000 + DAY - 1;
}

function isProration(line: Obj): boolean {
  const parent = isObject(line.parent) ? line.parent : {};
  const details = isObject(parent.subscription_item_details)
    ? parent.subscription_item_details
    : isObject(parent.invoice_item_details)
      ? parent.invoice_item_details
      : {};
  return line.proration === true || details.proration === true;
}

function inferInterval(period: { start: number; end: number }): 'day' | 'week' | 'month' | 'year' {
  const days = (period.end - period.start) / DAY;
  if (days >= 300) return 'year';
  if (days >= 25) return 'month';
  if (days >= 6) return 'week';
  return 'day';
}

function lineItem(
  line: Obj,
  sub: BillingSubscription,
  catalog: CatalogLookup,
  period: { start: number; end: number },
): BillingItem {
  const priceId = linePriceId(line);
  const known = sub.items.find((i) => i.price.id === priceId)?.price;
  const stored = priceId ? catalog.prices.get(priceId) : undefined;
  const quantity = num(line.quantity) ?? 1;
  const price =
    known ??
    (stored || isObject(line.price)
      ? toBillingPrice(stored ?? (line.price as Obj), catalog)
      : {
          // Unknown price: the line's own amount is one period's price.
          id: priceId ?? String(line.id),
          currency: sub.currency,
          type: 'recurring' as const,
          interval: inferInterval(period),
          intervalCount: 1,
          usageType: 'licensed' as const,
          billingScheme: 'per_unit' as const,
          unitAmountDecimal: String((num(line.amount) ?? 0) / Math.max(quantity, 1)),
          tiersMode: null,
          tiers: [],
          transformQuantity: null,
        });
  const discountTotal = (Array.isArray(line.discount_amounts) ? line.discount_amounts : [])
    .filter(isObject)
    .reduce((s, d) => s + (num(d.amount) ?? 0), 0);
  const discounts: BillingDiscount[] =
    discountTotal > 0
      ? [
          {
            couponId: 'invoice_discount',
            percentOff: null,
            amountOff: discountTotal,
            currency: sub.currency,
            duration: 'forever',
            end: null,
          },
        ]
      : [];
  return { id: String(line.id), quantity, price, discounts };
}

// Many customers share a plan: the MRR of the same lines is computed once. Exact, because the
// synthetic subscription has only item-level "forever" discounts, so the time does not matter.
const periodMrrCache = new Map<string, number>();

function periodMrr(sub: BillingSubscription, at: number): number {
  const key = `${sub.currency}|${JSON.stringify(sub.items.map((i) => [i.price, i.quantity, i.discounts]))}`;
  let mrr = periodMrrCache.get(key);
  if (mrr === undefined) {
    mrr = subscriptionMrr(sub, at).mrr;
    if (periodMrrCache.size > 50_000) periodMrrCache.clear();
    periodMrrCache.set(key, mrr);
  }
  return mrr;
}

function currentPeriodStart(raw: Obj): number | null {
  const items = isObject(raw.items) && Array.isArray(raw.items.data) ? raw.items.data.filter(isObject) : [];
  const starts = items.map((i) => num(i.current_period_start)).filter((n): n is number => n !== null);
  return starts.length > 0 ? Math.max(...starts) : num(raw.current_period_start);
}

function curveOf(raw: Obj, sub: BillingSubscription, inputs: AccountInputs, now: number): SubscriptionCurve {
  const start = num(raw.start_date) ?? num(raw.created) ?? 0;
  const ended = ['canceled', 'incomplete_expired'].includes(sub.status);
  const end = ended ? (sub.endedAt ?? num(raw.canceled_at) ?? now) : null;
  const trialStart = num(raw.trial_start);
  const trial: [number, number] | null =
    trialStart !== null && sub.trialEnd !== null ? [trialStart, sub.trialEnd] : null;
  const steps: Step[] = [];
  for (const inv of inputs.rawInvoices) {
    if (!COUNTED_INVOICES.has(String(inv.status))) continue;
    const lines = (inputs.lines.get(String(inv.id)) ?? []).filter(
      (l) => (lineSubscriptionId(l) ?? invoiceSubscriptionId(inv)) === sub.id && !isProration(l),
    );
    const byStart = new Map<number, { period: { start: number; end: number }; lines: Obj[] }>();
    for (const l of lines) {
      const p = isObject(l.period) ? { start: num(l.period.start) ?? 0, end: num(l.period.end) ?? 0 } : null;
      if (!p || p.end <= p.start) continue;
      const g = byStart.get(p.start) ?? { period: p, lines: [] };
      g.lines.push(l);
      byStart.set(p.start, g);
    }
    for (const [at, g] of byStart) {
      const items = g.lines.map((l) => lineItem(l, sub, inputs.catalog, g.period));
      const asActive: BillingSubscription = {
        ...sub,
        status: 'active',
        pauseCollection: false,
        endedAt: null,
        cancelAt: null,
        cancelAtPeriodEnd: false,
        items,
        discounts: [],
      };
      steps.push({ at, mrr: periodMrr(asActive, at) });
    }
  }
  steps.sort((a, b) => a.at - b.at);
  const changedAt = inputs.subscriptionChangedAt.get(sub.id) ?? 0;
  const periodStart = currentPeriodStart(raw) ?? start;
  let current: number;
  if (ended) {
    // An ended subscription's last state, as it was billed before it ended (0 if it ended in trial).
    const inTrial = sub.trialEnd !== null && end !== null && sub.trialEnd >= end;
    current =
      inTrial || sub.status === 'incomplete_expired'
        ? 0
        : subscriptionMrr({ ...sub, status: 'active', endedAt: null }, periodStart).mrr;
  } else {
    current = subscriptionMrr(sub, now).mrr;
  }
  return {
    currency: sub.currency,
    start,
    end,
    trial,
    currentFrom: Math.max(periodStart, ended ? 0 : Math.min(changedAt, now)),
    current,
    steps,
  };
}

function valueAt(c: SubscriptionCurve, t: number): number {
  if (t < c.start) return 0;
  if (c.end !== null && t >= c.end) return 0;
  if (c.trial && t >= c.trial[0] && t < c.trial[1]) return 0;
  if (t >= c.currentFrom) return c.current;
  let v: number | null = null;
  for (const s of c.steps) {
    if (s.at > t) break;
    v = s.mrr;
  }
  return v ?? c.current;
}

/** The account's MRR change points, oldest first, up to and including the day of `now`. */
export function mrrChangePoints(inputs: AccountInputs, now: number): MrrChangePoint[] {
  const curves = inputs.subscriptions.map((sub, i) => curveOf(inputs.rawSubscriptions[i]!, sub, inputs, now));
  const today = dayOf(now);
  const days = new Set<string>();
  for (const c of curves) {
    for (const t of [
      c.start,
      c.end,
      c.trial?.[0],
      c.trial?.[1],
      c.currentFrom,
      ...c.steps.map((s) => s.at),
    ]) {
      if (t !== null && t !== undefined && t <= now) days.add(dayOf(t));
    }
  }
  const out: MrrChangePoint[] = [];
  let previous = '{}';
  for (const day of [...days].sort()) {
    const t = day === today ? now : endOfDay(day);
    const mrr: PerCurrency = {};
    for (const c of curves) {
      const v = valueAt(c, t);
      if (v !== 0) mrr[c.currency] = (mrr[c.currency] ?? 0) + v;
    }
    const key = JSON.stringify(Object.fromEntries(Object.entries(mrr).sort()));
    if (key === previous) continue;
    previous = key;
    out.push({ day, mrr: JSON.parse(key) as PerCurrency });
  }
  return out;
}
