// MRR of one subscription and of an account, steps 1–6 of billing-metrics.md.
// Everything is exact (rationals) until the single half-to-even rounding per subscription.

import {
  add,
  ceil,
  cmp,
  div,
  floor,
  isZero,
  max,
  sub as minus,
  mul,
  parseDecimal,
  type Rational,
  rat,
  sum,
  toSafeInteger,
  ZERO,
} from './rational.ts';
import type {
  BillingDiscount,
  BillingItem,
  BillingPrice,
  BillingSubscription,
  PerCurrency,
} from './types.ts';

export { convertMrr, MissingFxRateError } from './fx.ts';

export interface ItemMrr {
  itemId: string;
  priceId: string;
  /** false for metered, one-time, or items of a subscription that does not count */
  counted: boolean;
  /** this item's MRR after percent discounts, before amount_off, rounded half-to-even for display.
   * The subscription total is rounded once from exact values, so items need not sum to it. */
  mrr: number;
}

export interface SubscriptionMrr {
  currency: string;
  /** integer minor units of `currency` */
  mrr: number;
  /** the part of `mrr` that ends with a scheduled cancellation (cancel_at_period_end or cancel_at) */
  scheduledChurnMrr: number;
  items: ItemMrr[];
}

const COUNTING_STATUSES: ReadonlySet<string> = new Set(['active', 'past_due']);

/** Step 1: active or past_due, not paused via pause_collection, and not already ended. */
export function subscriptionCounts(sub: BillingSubscription, now: number): boolean {
  if (!COUNTING_STATUSES.has(sub.status)) return false;
  if (sub.pauseCollection) return false;
  return sub.endedAt === null || sub.endedAt > now;
}

function decimalOrZero(value: string | null): Rational {
  return value === null ? ZERO : parseDecimal(value);
}

/** Step 2 for one price: the amount of one billing period, exact, in minor units. */
export function periodAmount(price: BillingPrice, quantity: number): Rational {
  const qty = rat(quantity);
  if (price.billingScheme === 'per_unit') {
    let units = qty;
    if (price.transformQuantity) {
      const q = div(qty, rat(price.transformQuantity.divideBy));
      units = rat(price.transformQuantity.round === 'up' ? ceil(q) : floor(q));
    }
    return mul(decimalOrZero(price.unitAmountDecimal), units);
  }
  const tiers = price.tiers;
  if (price.tiersMode === 'volume') {
    const tier = tiers.find((t) => t.upTo === null || quantity <= t.upTo) ?? tiers[tiers.length - 1];
    if (!tier) return ZERO;
    return add(mul(decimalOrZero(tier.unitAmountDecimal), qty), decimalOrZero(tier.flatAmountDecimal));
  }
  // graduated: each tier prices its own slice; a touched tier adds its flat amount once.
  let total = ZERO;
  let lower = 0;
  for (const tier of tiers) {
    if (quantity <= lower) break;
    const upper = tier.upTo === null ? quantity : Math.min(quantity, tier.upTo);
    const slice = upper - lower;
    if (slice > 0) {
      total = add(total, mul(decimalOrZero(tier.unitAmountDecimal), rat(slice)));
      total = add(total, decimalOrZero(tier.flatAmountDecimal));
    }
    if (tier.upTo === null) break;
    lower = tier.upTo;
  }
  return total;
}

/** Step 3: one period's amount as a monthly amount. */
export function normaliseToMonth(
  amount: Rational,
  interval: BillingPrice['interval'],
  count: number,
): Rational {
  const n = rat(count);
  switch (interval) {
    case 'month':
      return div(amount, n);
    case 'year':
      return div(amount, mul(rat(12), n));
    case 'week':
      return div(mul(amount, rat(52)), mul(rat(12), n));
    case 'day':
      return div(mul(amount, rat(365)), mul(rat(12), n));
    default:
      return ZERO;
  }
}

/** Step 4: a discount applies while it is forever, or its end is still in the future. */
export function discountInEffect(d: BillingDiscount, now: number): boolean {
  return d.duration === 'forever' || (d.end !== null && d.end > now);
}

function isRecurringLicensed(item: BillingItem): boolean {
  return (
    item.price.type === 'recurring' && item.price.usageType === 'licensed' && item.price.interval !== null
  );
}

function percentFactor(discounts: readonly BillingDiscount[]): Rational {
  // Stacked percent coupons apply one after the other: 20% then 10% leaves 0.8 × 0.9.
  let factor = rat(1);
  for (const d of discounts) {
    if (d.percentOff === null) continue;
    factor = mul(factor, minus(rat(1), div(parseDecimal(d.percentOff), rat(100))));
  }
  return max(factor, ZERO);
}

function amountOffMonthly(
  discounts: readonly BillingDiscount[],
  subscription: BillingSubscription,
  interval: BillingPrice['interval'],
  count: number,
): Rational {
  let total = ZERO;
  for (const d of discounts) {
    if (d.amountOff === null) continue;
    if (d.currency !== null && d.currency.toLowerCase() !== subscription.currency.toLowerCase()) {
      throw new Error(
        `Coupon ${d.couponId} is in ${d.currency.toUpperCase()} but subscription ${subscription.id} bills in ` +
          `${subscription.currency.toUpperCase()}; map coupon.currency_options[${subscription.currency.toLowerCase()}] into amountOff`,
      );
    }
    total = add(total, normaliseToMonth(rat(d.amountOff), interval, count));
  }
  return total;
}

/** A subscription-level coupon restricted by applies_to.products affects only those products' items. */
function appliesTo(d: BillingDiscount, item: BillingItem): boolean {
  const products = d.appliesToProductIds;
  if (!products || products.length === 0) return true;
  return item.price.productId != null && products.includes(item.price.productId);
}

/** Exact (unrounded) MRR of a subscription, with the per-item breakdown. */
export function subscriptionMrrExact(
  sub: BillingSubscription,
  now: number,
): { total: Rational; items: { itemId: string; priceId: string; counted: boolean; mrr: Rational }[] } {
  const counts = subscriptionCounts(sub, now);
  const subDiscounts = sub.discounts.filter((d) => discountInEffect(d, now));
  const items = [];
  const nets: { item: BillingItem; net: Rational }[] = [];
  let billing: { interval: BillingPrice['interval']; count: number } | null = null;
  for (const item of sub.items) {
    const counted = counts && isRecurringLicensed(item);
    if (!counted) {
      items.push({ itemId: item.id, priceId: item.price.id, counted, mrr: ZERO });
      continue;
    }
    const { interval, intervalCount } = item.price;
    billing ??= { interval, count: intervalCount };
    const itemDiscounts = item.discounts.filter((d) => discountInEffect(d, now));
    const monthly = normaliseToMonth(periodAmount(item.price, item.quantity), interval, intervalCount);
    const percent = mul(
      percentFactor(itemDiscounts),
      percentFactor(subDiscounts.filter((d) => appliesTo(d, item))),
    );
    const afterPercent = mul(monthly, percent);
    const itemAmountOff = amountOffMonthly(itemDiscounts, sub, interval, intervalCount);
    items.push({ itemId: item.id, priceId: item.price.id, counted, mrr: afterPercent });
    nets.push({ item, net: max(minus(afterPercent, itemAmountOff), ZERO) });
  }
  if (billing) {
    // Each subscription-level amount_off comes off the items it applies to, never below 0.
    for (const d of subDiscounts) {
      let left = amountOffMonthly([d], sub, billing.interval, billing.count);
      for (const entry of nets) {
        if (isZero(left) || !appliesTo(d, entry.item)) continue;
        const taken = cmp(left, entry.net) <= 0 ? left : entry.net;
        entry.net = minus(entry.net, taken);
        left = minus(left, taken);
      }
    }
  }
  return { total: sum(nets.map((e) => e.net)), items };
}

/** MRR of one subscription at `now` (Unix seconds): integer minor units of its currency. */
export function subscriptionMrr(sub: BillingSubscription, now: number): SubscriptionMrr {
  const exact = subscriptionMrrExact(sub, now);
  const mrr = toSafeInteger(exact.total);
  const scheduled = sub.cancelAtPeriodEnd || sub.cancelAt !== null;
  return {
    currency: sub.currency.toLowerCase(),
    mrr,
    scheduledChurnMrr: scheduled ? mrr : 0,
    items: exact.items.map((i) => ({
      itemId: i.itemId,
      priceId: i.priceId,
      counted: i.counted,
      mrr: toSafeInteger(i.mrr),
    })),
  };
}

function addTo(map: PerCurrency, currency: string, amount: number): void {
  if (amount === 0) return;
  map[currency] = (map[currency] ?? 0) + amount;
}

/** MRR of an account per currency (only currencies with non-zero MRR appear). */
export function accountMrr(subs: readonly BillingSubscription[], now: number): PerCurrency {
  const out: PerCurrency = {};
  for (const s of subs) {
    const m = subscriptionMrr(s, now);
    addTo(out, m.currency, m.mrr);
  }
  return out;
}

/** Scheduled churn MRR of an account per currency. */
export function accountScheduledChurnMrr(subs: readonly BillingSubscription[], now: number): PerCurrency {
  const out: PerCurrency = {};
  for (const s of subs) {
    const m = subscriptionMrr(s, now);
    addTo(out, m.currency, m.scheduledChurnMrr);
  }
  return out;
}

/** True when every amount is zero (or the map is empty). */
export function isZeroMrr(perCurrency: PerCurrency): boolean {
  return Object.values(perCurrency).every((v) => v === 0);
}
