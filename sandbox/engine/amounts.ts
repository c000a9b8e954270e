// What a price charges for a quantity: per-unit (with transform_quantity), tiered volume and
// tiered graduated, and what a coupon takes off. Pure functions.
import type { Coupon, Price, PriceTier } from '../objects/wire.ts';

export function priceAmount(price: Price, tiers: PriceTier[] | undefined, quantity: number): number {
  if (price.recurring?.usage_type === 'metered') return 0; // no usage is recorded in the sandbox
  if (price.billing_scheme === 'tiered' && tiers && tiers.length > 0) {
    return price.tiers_mode === 'volume' ? volume(tiers, quantity) : graduated(tiers, quantity);
  }
  let q = quantity;
  const t = price.transform_quantity;
  if (t) q = t.round === 'up' ? Math.ceil(q / t.divide_by) : Math.floor(q / t.divide_by);
  return (price.unit_amount ?? 0) * q;
}

function volume(tiers: PriceTier[], quantity: number): number {
  const tier = tiers.find((t) => t.up_to === null || quantity <= t.up_to) ?? tiers[tiers.length - 1]!;
  return (tier.unit_amount ?? 0) * quantity + (tier.flat_amount ?? 0);
}

function graduated(tiers: PriceTier[], quantity: number): number {
  let total = 0;
  let from = 0;
  for (const t of tiers) {
    if (quantity <= from) break;
    const upTo = t.up_to === null ? quantity : Math.min(t.up_to, quantity);
    total += (t.unit_amount ?? 0) * (upTo - from) + (t.flat_amount ?? 0);
    from = upTo;
  }
  return total;
}

export function couponDiscount(coupon: Coupon, subtotal: number, currency: string): number {
  if (coupon.percent_off !== null) return Math.round((subtotal * coupon.percent_off) / 100);
  if (coupon.amount_off !== null && coupon.currency === currency)
    return Math.min(coupon.amount_off, subtotal);
  return 0;
}

/** Stripe's processing fee on a card charge (2.9% + 30 minor units; zero-decimal currencies differ). */
export function stripeFee(amount: number, currency: string): number {
  const fixed = ZERO_DECIMAL.has(currency) ? 30 : currency === 'usd' ? 30 : 25;
  return Math.round(amount * 0.029) + fixed;
}

export const ZERO_DECIMAL = new Set(['jpy', 'krw', 'vnd', 'clp', 'xof', 'xaf', 'pyg', 'ugx']);

export function tier(upTo: number | null, unitAmount: number, flatAmount = 0): PriceTier {
  return {
    flat_amount: flatAmount || null,
    flat_amount_decimal: flatAmount ? String(flatAmount) : null,
    unit_amount: unitAmount,
    unit_amount_decimal: String(unitAmount),
    up_to: upTo,
  };
}
