import { describe, expect, it } from 'vitest';
import { formatMoney } from './money.ts';
import { accountMrr, accountScheduledChurnMrr, subscriptionMrr } from './mrr.ts';
import { amountOff, item, percentOff, price, subscription } from './test-builders.ts';

const NOW = 1_770_000_000;
const DAY = 86_400;

describe('worked examples (billing-metrics.md)', () => {
  it('1. 1,200.00 USD per year, quantity 1 → MRR 10000', () => {
    const sub = subscription({ items: [item({ unitAmountDecimal: '120000', interval: 'year' })] });
    expect(subscriptionMrr(sub, NOW).mrr).toBe(10000);
  });

  it('2. 5.00 USD per week → 5 × 52 / 12 = 21.666… → 2167', () => {
    const sub = subscription({ items: [item({ unitAmountDecimal: '500', interval: 'week' })] });
    expect(subscriptionMrr(sub, NOW).mrr).toBe(2167);
  });

  it('3. 240.00 USD every 2 years → 1000', () => {
    const sub = subscription({
      items: [item({ unitAmountDecimal: '24000', interval: 'year', intervalCount: 2 })],
    });
    expect(subscriptionMrr(sub, NOW).mrr).toBe(1000);
  });

  it('4. 20.00 EUR per month × 3 with a forever 25% coupon → 4500', () => {
    const sub = subscription({
      currency: 'eur',
      items: [item({ currency: 'eur', unitAmountDecimal: '2000' }, { quantity: 3 })],
      discounts: [percentOff(25)],
    });
    expect(subscriptionMrr(sub, NOW)).toMatchObject({ currency: 'eur', mrr: 4500 });
  });

  it('5. 10,000 JPY per month (zero-decimal) → 10000, shown as ¥10,000', () => {
    const sub = subscription({
      currency: 'jpy',
      items: [item({ currency: 'jpy', unitAmountDecimal: '10000' })],
    });
    const m = subscriptionMrr(sub, NOW);
    expect(m.mrr).toBe(10000);
    expect(formatMoney(m.mrr, m.currency)).toBe('¥10,000');
  });

  it('6. 30.00 USD per month with amount_off 5.00 forever → 2500; with amount_off 40.00 → 0', () => {
    const base = { items: [item({ unitAmountDecimal: '3000' })] };
    expect(subscriptionMrr(subscription({ ...base, discounts: [amountOff(500, 'usd')] }), NOW).mrr).toBe(
      2500,
    );
    expect(subscriptionMrr(subscription({ ...base, discounts: [amountOff(4000, 'usd')] }), NOW).mrr).toBe(0);
  });

  it('7. graduated tiers (10 × 10.00, then 8.00 each), quantity 15, monthly → 14000', () => {
    const graduated = price({
      billingScheme: 'tiered',
      tiersMode: 'graduated',
      unitAmountDecimal: null,
      tiers: [
        { upTo: 10, unitAmountDecimal: '1000', flatAmountDecimal: null },
        { upTo: null, unitAmountDecimal: '800', flatAmountDecimal: null },
      ],
    });
    const sub = subscription({ items: [{ id: 'si_g', quantity: 15, price: graduated, discounts: [] }] });
    expect(subscriptionMrr(sub, NOW).mrr).toBe(14000);
  });
});

describe('status gate', () => {
  it.each([
    ['active', 3000],
    ['past_due', 3000],
    ['trialing', 0],
    ['incomplete', 0],
    ['incomplete_expired', 0],
    ['unpaid', 0],
    ['canceled', 0],
    ['paused', 0],
  ] as const)('%s contributes %i', (status, expected) => {
    const sub = subscription({ status, items: [item({ unitAmountDecimal: '3000' })] });
    expect(subscriptionMrr(sub, NOW).mrr).toBe(expected);
  });

  it('contributes 0 while pause_collection is set, keeping its status', () => {
    const sub = subscription({
      status: 'active',
      pauseCollection: true,
      items: [item({ unitAmountDecimal: '3000' })],
    });
    expect(subscriptionMrr(sub, NOW).mrr).toBe(0);
  });
});

describe('items', () => {
  it('counts only recurring licensed items: metered and one-time contribute 0', () => {
    const sub = subscription({
      items: [
        item({ unitAmountDecimal: '3000' }, { id: 'si_lic' }),
        item({ unitAmountDecimal: '100', usageType: 'metered' }, { id: 'si_met', quantity: 50 }),
        item(
          { unitAmountDecimal: '9900', type: 'one_time', interval: null, usageType: null },
          { id: 'si_one' },
        ),
      ],
    });
    const m = subscriptionMrr(sub, NOW);
    expect(m.mrr).toBe(3000);
    expect(m.items).toEqual([
      expect.objectContaining({ itemId: 'si_lic', counted: true, mrr: 3000 }),
      expect.objectContaining({ itemId: 'si_met', counted: false, mrr: 0 }),
      expect.objectContaining({ itemId: 'si_one', counted: false, mrr: 0 }),
    ]);
  });

  it('applies transform_quantity before the unit amount (ceil and floor)', () => {
    const per = (round: 'up' | 'down') =>
      subscription({
        items: [
          item({ unitAmountDecimal: '1000', transformQuantity: { divideBy: 10, round } }, { quantity: 25 }),
        ],
      });
    expect(subscriptionMrr(per('up'), NOW).mrr).toBe(3000);
    expect(subscriptionMrr(per('down'), NOW).mrr).toBe(2000);
  });

  it('keeps sub-cent unit amounts exact until the single rounding', () => {
    // 0.4 cents × 3 seats = 1.2 cents → 1; rounding per seat would give 0.
    const sub = subscription({ items: [item({ unitAmountDecimal: '0.4' }, { quantity: 3 })] });
    expect(subscriptionMrr(sub, NOW).mrr).toBe(1);
  });

  it('prices volume tiers by the single tier containing the quantity, with its flat amount', () => {
    const volume = price({
      billingScheme: 'tiered',
      tiersMode: 'volume',
      unitAmountDecimal: null,
      tiers: [
        { upTo: 10, unitAmountDecimal: '1000', flatAmountDecimal: '0' },
        { upTo: 20, unitAmountDecimal: '800', flatAmountDecimal: '500' },
        { upTo: null, unitAmountDecimal: '600', flatAmountDecimal: null },
      ],
    });
    const at = (quantity: number) =>
      subscriptionMrr(subscription({ items: [{ id: 'si_v', quantity, price: volume, discounts: [] }] }), NOW)
        .mrr;
    expect(at(10)).toBe(10000);
    expect(at(15)).toBe(15 * 800 + 500);
    expect(at(30)).toBe(30 * 600);
  });

  it('adds each touched graduated tier’s flat amount once', () => {
    const graduated = price({
      billingScheme: 'tiered',
      tiersMode: 'graduated',
      unitAmountDecimal: null,
      tiers: [
        { upTo: 5, unitAmountDecimal: '0', flatAmountDecimal: '2000' },
        { upTo: 10, unitAmountDecimal: '300', flatAmountDecimal: '100' },
        { upTo: null, unitAmountDecimal: '200', flatAmountDecimal: '999' },
      ],
    });
    const at = (quantity: number) =>
      subscriptionMrr(
        subscription({ items: [{ id: 'si_g', quantity, price: graduated, discounts: [] }] }),
        NOW,
      ).mrr;
    expect(at(0)).toBe(0);
    expect(at(3)).toBe(2000);
    expect(at(7)).toBe(2000 + 2 * 300 + 100);
    expect(at(10)).toBe(2000 + 5 * 300 + 100);
  });
});

describe('normalisation', () => {
  it('divides months by interval_count and multiplies days by 365/12', () => {
    const quarterly = subscription({ items: [item({ unitAmountDecimal: '9000', intervalCount: 3 })] });
    expect(subscriptionMrr(quarterly, NOW).mrr).toBe(3000);
    const daily = subscription({ items: [item({ unitAmountDecimal: '100', interval: 'day' })] });
    expect(subscriptionMrr(daily, NOW).mrr).toBe(3042); // 100 × 365 / 12 = 3041.67
    const fortnightly = subscription({
      items: [item({ unitAmountDecimal: '1200', interval: 'week', intervalCount: 2 })],
    });
    expect(subscriptionMrr(fortnightly, NOW).mrr).toBe(2600); // 1200 × 52 / 24
  });

  it('rounds half-to-even once at the subscription level, not per item', () => {
    // each item is 0.5 cents a month; per-item rounding would give 0 + 0, once-rounding gives 1.
    const sub = subscription({
      items: [
        item({ unitAmountDecimal: '6', interval: 'year' }),
        item({ unitAmountDecimal: '6', interval: 'year' }),
      ],
    });
    expect(subscriptionMrr(sub, NOW).mrr).toBe(1);
    const half = subscription({ items: [item({ unitAmountDecimal: '30', interval: 'year' })] }); // 2.5 → 2
    expect(subscriptionMrr(half, NOW).mrr).toBe(2);
  });
});

describe('discounts', () => {
  const monthly30 = () => [item({ unitAmountDecimal: '3000' })];

  it('applies a repeating coupon only until its end', () => {
    const sub = subscription({
      items: monthly30(),
      discounts: [percentOff(50, { duration: 'repeating', end: NOW + DAY })],
    });
    expect(subscriptionMrr(sub, NOW).mrr).toBe(1500);
    expect(subscriptionMrr(sub, NOW + DAY).mrr).toBe(3000);
  });

  it('ignores a once coupon without a future end', () => {
    const sub = subscription({ items: monthly30(), discounts: [percentOff(50, { duration: 'once' })] });
    expect(subscriptionMrr(sub, NOW).mrr).toBe(3000);
  });

  it('normalises amount_off by the subscription’s billing interval', () => {
    const yearly = subscription({
      items: [item({ unitAmountDecimal: '120000', interval: 'year' })],
      discounts: [amountOff(12000, 'usd')],
    });
    expect(subscriptionMrr(yearly, NOW).mrr).toBe(9000);
  });

  it('scales only the affected item with an item-level percent coupon', () => {
    const sub = subscription({
      items: [
        item({ unitAmountDecimal: '3000' }, { discounts: [percentOff(10)] }),
        item({ unitAmountDecimal: '2000' }),
      ],
    });
    expect(subscriptionMrr(sub, NOW).mrr).toBe(2700 + 2000);
  });

  it('stacks percent coupons one after the other and then subtracts amount_off', () => {
    const sub = subscription({
      items: monthly30(),
      discounts: [percentOff(50), percentOff(10), amountOff(350, 'usd')],
    });
    expect(subscriptionMrr(sub, NOW).mrr).toBe(3000 * 0.5 * 0.9 - 350);
  });

  it('keeps fractional percent coupons exact', () => {
    const sub = subscription({
      items: [item({ unitAmountDecimal: '1000' })],
      discounts: [percentOff(33.33)],
    });
    expect(subscriptionMrr(sub, NOW).mrr).toBe(667); // 666.7
  });

  it('limits a subscription coupon with applies_to.products to those products’ items', () => {
    const sub = subscription({
      items: [
        item({ unitAmountDecimal: '3000', productId: 'prod_pro' }),
        item({ unitAmountDecimal: '2000', productId: 'prod_addon' }),
      ],
      discounts: [
        percentOff(50, { appliesToProductIds: ['prod_pro'] }),
        amountOff(2500, 'usd', { appliesToProductIds: ['prod_addon'] }),
      ],
    });
    // Pro 3000 → 1500; add-on 2000 − 2500 stops at 0 and does not eat into Pro.
    expect(subscriptionMrr(sub, NOW).mrr).toBe(1500);
  });

  it('refuses an amount_off coupon in another currency instead of mixing currencies', () => {
    const sub = subscription({ items: monthly30(), discounts: [amountOff(500, 'eur')] });
    expect(() => subscriptionMrr(sub, NOW)).toThrow(/currency_options/);
  });
});

describe('scheduled churn', () => {
  it('keeps MRR until the end and reports the same amount as scheduled churn', () => {
    const atPeriodEnd = subscription({ cancelAtPeriodEnd: true, items: monthly(3000) });
    expect(subscriptionMrr(atPeriodEnd, NOW)).toMatchObject({ mrr: 3000, scheduledChurnMrr: 3000 });
    const cancelAt = subscription({ cancelAt: NOW + 10 * DAY, items: monthly(3000) });
    expect(subscriptionMrr(cancelAt, NOW)).toMatchObject({ mrr: 3000, scheduledChurnMrr: 3000 });
    expect(subscriptionMrr(subscription({ items: monthly(3000) }), NOW).scheduledChurnMrr).toBe(0);
  });
});

function monthly(amount: number) {
  return [item({ unitAmountDecimal: String(amount) })];
}

describe('accountMrr', () => {
  it('sums per currency over every subscription of the account', () => {
    const subs = [
      subscription({ items: monthly(3000) }),
      subscription({ items: monthly(2000), cancelAtPeriodEnd: true }),
      subscription({ currency: 'eur', items: [item({ currency: 'eur', unitAmountDecimal: '4500' })] }),
      subscription({ status: 'canceled', items: monthly(9999) }),
    ];
    expect(accountMrr(subs, NOW)).toEqual({ usd: 5000, eur: 4500 });
    expect(accountScheduledChurnMrr(subs, NOW)).toEqual({ usd: 2000 });
    expect(accountMrr([], NOW)).toEqual({});
  });
});
