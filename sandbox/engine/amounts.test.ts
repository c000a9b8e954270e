import { describe, expect, it } from 'vitest';
import { newPrice } from '../objects/catalog.ts';
import { priceAmount, tier } from './amounts.ts';

const base = { id: 'price_1', created: 0, product: 'prod_1', currency: 'usd' };
const monthly = { interval: 'month', interval_count: 1, usage_type: 'licensed' } as const;

describe('priceAmount', () => {
  it('multiplies per-unit prices and applies transform_quantity rounding', () => {
    expect(priceAmount(newPrice({ ...base, unitAmount: 1500, recurring: monthly }), undefined, 3)).toBe(4500);
    const packs = newPrice({
      ...base,
      unitAmount: 1000,
      recurring: monthly,
      transformQuantity: { divide_by: 10, round: 'up' },
    });
    expect(priceAmount(packs, undefined, 11)).toBe(2000);
  });

  it('charges the whole quantity at one tier for volume and per band for graduated', () => {
    const tiers = [tier(10, 1000), tier(50, 800), tier(null, 500, 2000)];
    const vol = newPrice({
      ...base,
      unitAmount: null,
      recurring: monthly,
      billingScheme: 'tiered',
      tiersMode: 'volume',
    });
    const grad = { ...vol, tiers_mode: 'graduated' as const };
    expect(priceAmount(vol, tiers, 20)).toBe(16000);
    expect(priceAmount(grad, tiers, 20)).toBe(10 * 1000 + 10 * 800);
    expect(priceAmount(grad, tiers, 60)).toBe(10 * 1000 + 40 * 800 + 10 * 500 + 2000);
  });
});
