// Products, prices (with the plan view subscription items carry), coupons and discounts.
import type { Coupon, Discount, Metadata, Plan, Price, Product } from './wire.ts';

export function newProduct(p: {
  id: string;
  created: number;
  name: string;
  description?: string | null;
  metadata?: Metadata;
  active?: boolean;
}): Product {
  return {
    id: p.id,
    object: 'product',
    active: p.active ?? true,
    created: p.created,
    default_price: null,
    description: p.description ?? null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: p.metadata ?? {},
    name: p.name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    type: 'service',
    unit_label: null,
    updated: p.created,
    url: null,
  };
}

export type NewPrice = {
  id: string;
  created: number;
  product: string;
  currency: string;
  unitAmount: number | null;
  recurring: null | {
    interval: 'day' | 'week' | 'month' | 'year';
    interval_count: number;
    usage_type: 'licensed' | 'metered';
  };
  billingScheme?: 'per_unit' | 'tiered';
  tiersMode?: 'graduated' | 'volume' | null;
  transformQuantity?: { divide_by: number; round: 'up' | 'down' } | null;
  nickname?: string | null;
  lookupKey?: string | null;
  metadata?: Metadata;
};

export function newPrice(p: NewPrice): Price {
  return {
    id: p.id,
    object: 'price',
    active: true,
    billing_scheme: p.billingScheme ?? 'per_unit',
    created: p.created,
    currency: p.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: p.lookupKey ?? null,
    metadata: p.metadata ?? {},
    nickname: p.nickname ?? null,
    product: p.product,
    recurring: p.recurring
      ? {
          interval: p.recurring.interval,
          interval_count: p.recurring.interval_count,
          meter: null,
          trial_period_days: null,
          usage_type: p.recurring.usage_type,
        }
      : null,
    tax_behavior: 'unspecified',
    tiers_mode: p.tiersMode ?? null,
    transform_quantity: p.transformQuantity ?? null,
    type: p.recurring ? 'recurring' : 'one_time',
    unit_amount: p.unitAmount,
    unit_amount_decimal: p.unitAmount === null ? null : String(p.unitAmount),
  };
}

/** The legacy Plan view of a recurring price, still embedded in subscription items. */
export function planOf(price: Price): Plan {
  const r = price.recurring!;
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: r.interval,
    interval_count: r.interval_count,
    livemode: false,
    metadata: price.metadata,
    meter: null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: price.tiers_mode,
    transform_usage: price.transform_quantity,
    trial_period_days: null,
    usage_type: r.usage_type,
  };
}

export function newCoupon(p: {
  id: string;
  created: number;
  duration: 'forever' | 'once' | 'repeating';
  durationInMonths?: number | null;
  percentOff?: number | null;
  amountOff?: number | null;
  currency?: string | null;
  name?: string | null;
  maxRedemptions?: number | null;
  redeemBy?: number | null;
  metadata?: Metadata;
}): Coupon {
  return {
    id: p.id,
    object: 'coupon',
    amount_off: p.amountOff ?? null,
    created: p.created,
    currency: p.amountOff ? (p.currency ?? 'usd') : null,
    duration: p.duration,
    duration_in_months: p.duration === 'repeating' ? (p.durationInMonths ?? 3) : null,
    livemode: false,
    max_redemptions: p.maxRedemptions ?? null,
    metadata: p.metadata ?? {},
    name: p.name ?? null,
    percent_off: p.percentOff ?? null,
    redeem_by: p.redeemBy ?? null,
    times_redeemed: 0,
    valid: true,
  };
}

export function newDiscount(p: {
  id: string;
  coupon: Coupon;
  customer: string;
  subscription: string | null;
  start: number;
}): Discount {
  const c = p.coupon;
  let end: number | null = null;
  if (c.duration === 'repeating') end = addMonths(p.start, c.duration_in_months ?? 1);
  return {
    id: p.id,
    object: 'discount',
    checkout_session: null,
    customer: p.customer,
    customer_account: null,
    end,
    invoice: null,
    invoice_item: null,
    promotion_code: null,
    source: { coupon: c.id, type: 'coupon' },
    start: p.start,
    subscription: p.subscription,
    subscription_item: null,
  };
}

/** Calendar-month arithmetic in UTC, clamping the day like Stripe (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(unix: number, months: number): number {
  const d = new Date(unix * 1000);
  const day = d.getUTCDate();
  const target = new Date(
    Date.UTC(
      d.getUTCFullYear(),
      d.getUTCMonth() + months,
      1,
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
    ),
  );
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return Math.floor(target.getTime() / 1000);
}

export function addInterval(unix: number, interval: string, count: number): number {
  if (interval === 'day') return unix + 86400 * count;
  if (interval === 'week') return unix + 7 * 86400 * count;
  if (interval === 'month') return addMonths(unix, count);
  return addMonths(unix, 12 * count);
}
