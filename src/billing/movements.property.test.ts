import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoDate } from './dates.ts';
import type { FxRates } from './fx.ts';
import { convertMrr } from './fx.ts';
import { type MrrDay, movementsFromSeries, summariseMovements } from './movements.ts';
import { accountMrr, subscriptionMrr } from './mrr.ts';
import type {
  BillingDiscount,
  BillingItem,
  BillingPrice,
  BillingSubscription,
  SubscriptionStatus,
} from './types.ts';

const DAY = 86_400;
const START = Date.UTC(2026, 0, 1) / 1000;
const DAYS = 45;
const CURRENCIES = ['usd', 'eur', 'jpy', 'bhd', 'gbp'] as const;
const STATUSES: SubscriptionStatus[] = [
  'active',
  'past_due',
  'trialing',
  'unpaid',
  'canceled',
  'paused',
  'incomplete',
  'incomplete_expired',
];

const endOfDay = (d: number) => START + d * DAY + DAY - 1;

// Exact decimal strings in minor units, some with sub-unit precision (unit_amount_decimal allows 12 places).
const decimalAmount = fc
  .tuple(fc.integer({ min: 0, max: 500_000 }), fc.constantFrom(0, 0, 1, 4))
  .map(([n, places]) => (places === 0 ? String(n) : (n / 10 ** places).toFixed(places)));

const tiers = fc
  .uniqueArray(fc.integer({ min: 1, max: 100 }), { minLength: 0, maxLength: 3 })
  .chain((bounds) =>
    fc.tuple(
      ...[...bounds.sort((a, b) => a - b), null].map((upTo) =>
        fc.record({
          upTo: fc.constant(upTo),
          unitAmountDecimal: fc.option(decimalAmount, { nil: null }),
          flatAmountDecimal: fc.option(decimalAmount, { nil: null }),
        }),
      ),
    ),
  );

const price = (
  currency: string,
  interval: BillingPrice['interval'],
  intervalCount: number,
): fc.Arbitrary<BillingPrice> =>
  fc.record({
    id: fc.constant('price'),
    currency: fc.constant(currency),
    type: fc.constantFrom<BillingPrice['type']>('recurring', 'recurring', 'recurring', 'one_time'),
    interval: fc.constant(interval),
    intervalCount: fc.constant(intervalCount),
    usageType: fc.constantFrom<BillingPrice['usageType']>('licensed', 'licensed', 'licensed', 'metered'),
    billingScheme: fc.constantFrom<BillingPrice['billingScheme']>('per_unit', 'per_unit', 'tiered'),
    unitAmountDecimal: decimalAmount,
    tiersMode: fc.constantFrom<BillingPrice['tiersMode']>('graduated', 'volume'),
    tiers: tiers,
    transformQuantity: fc.option(
      fc.record({
        divideBy: fc.integer({ min: 1, max: 12 }),
        round: fc.constantFrom<'up' | 'down'>('up', 'down'),
      }),
      { nil: null },
    ),
  });

const discount = (currency: string): fc.Arbitrary<BillingDiscount> =>
  fc.record({
    couponId: fc.constant('co'),
    percentOff: fc.option(
      fc.integer({ min: 1, max: 10000 }).map((n) => n / 100),
      { nil: null },
    ),
    amountOff: fc.option(fc.integer({ min: 1, max: 20_000 }), { nil: null }),
    currency: fc.constant(currency),
    duration: fc.constantFrom<BillingDiscount['duration']>('forever', 'once', 'repeating'),
    end: fc.option(fc.integer({ min: 0, max: DAYS }).map(endOfDay), { nil: null }),
  });

/** A subscription that changes plan, quantity, discounts and status on random days. */
interface Version {
  fromDay: number;
  status: SubscriptionStatus;
  pauseCollection: boolean;
  items: BillingItem[];
  discounts: BillingDiscount[];
}

const subscriptionHistory = fc
  .record({
    currency: fc.constantFrom(...CURRENCIES),
    interval: fc.constantFrom<BillingPrice['interval']>('day', 'week', 'month', 'year'),
    intervalCount: fc.integer({ min: 1, max: 3 }),
  })
  .chain(({ currency, interval, intervalCount }) =>
    fc
      .array(
        fc.record({
          fromDay: fc.integer({ min: 0, max: DAYS - 1 }),
          status: fc.constantFrom(...STATUSES),
          pauseCollection: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
          items: fc.array(
            fc.record({
              id: fc.constant('si'),
              quantity: fc.integer({ min: 0, max: 40 }),
              price: price(currency, interval, intervalCount),
              discounts: fc.array(discount(currency), { maxLength: 1 }),
            }),
            { minLength: 1, maxLength: 3 },
          ),
          discounts: fc.array(discount(currency), { maxLength: 2 }),
        }),
        { minLength: 1, maxLength: 5 },
      )
      .map((versions) => ({ currency, versions: versions.sort((a, b) => a.fromDay - b.fromDay) })),
  );

function subscriptionOnDay(
  h: { currency: string; versions: Version[] },
  day: number,
): BillingSubscription | null {
  const v = h.versions.filter((x) => x.fromDay <= day).pop();
  if (!v) return null;
  return {
    id: 'sub',
    customerId: 'cus',
    status: v.status,
    currency: h.currency,
    collectionMethod: 'charge_automatically',
    cancelAtPeriodEnd: false,
    cancelAt: null,
    endedAt: null,
    pauseCollection: v.pauseCollection,
    trialEnd: null,
    created: START,
    items: v.items,
    discounts: v.discounts,
  };
}

// rate = reporting major per 1 major; kept as exact decimal strings with up to 6 places.
const rate = fc.integer({ min: 1, max: 5_000_000 }).map((n) => (n / 1_000_000).toFixed(6));
const dailyRates = fc.array(fc.record({ eur: rate, jpy: rate, bhd: rate, gbp: rate }), {
  minLength: DAYS,
  maxLength: DAYS,
});

function buildSeries(
  histories: { currency: string; versions: Version[] }[],
  rates: Record<string, string>[],
) {
  const days: MrrDay[] = [];
  for (let d = 0; d < DAYS; d++) {
    const subs = histories.map((h) => subscriptionOnDay(h, d)).filter((s) => s !== null);
    const fx: FxRates = { date: isoDate(START + d * DAY), rates: rates[d]! };
    days.push({ date: fx.date, mrr: accountMrr(subs, endOfDay(d)), fx });
  }
  return days;
}

describe('movement identity over random subscription histories', () => {
  it('MRR_end − MRR_start = Σ movements + fx_adjustment, exactly, for every sub-period', () => {
    fc.assert(
      fc.property(
        fc.array(subscriptionHistory, { minLength: 1, maxLength: 4 }),
        dailyRates,
        fc.boolean(),
        (histories, rates, everHadBefore) => {
          const days = buildSeries(histories, rates);
          const movements = movementsFromSeries(days, 'usd', everHadBefore);
          const reported = days.map((d) => convertMrr(d.mrr, d.fx, 'usd'));
          for (let i = 0; i < DAYS; i++) {
            for (let j = i; j < DAYS; j++) {
              const t = summariseMovements(movements.slice(i, j));
              const sum = t.new + t.reactivation + t.expansion + t.contraction + t.churn + t.fxAdjustment;
              if (sum !== reported[j]! - reported[i]!) {
                expect({ i, j, sum }).toEqual({ i, j, sum: reported[j]! - reported[i]! });
              }
            }
          }
          for (const m of movements) {
            expect(Number.isInteger(m.amount) && Number.isInteger(m.fxAdjustment)).toBe(true);
            if (m.kind === null) expect(m.amount).toBe(0);
            if (m.kind === 'expansion') expect(m.amount).toBeGreaterThan(0);
            if (m.kind === 'contraction' || m.kind === 'churn') expect(m.amount).toBeLessThanOrEqual(0);
            if (m.kind === 'contraction') expect(m.amount).toBeLessThan(0);
            if (m.kind === 'new' || m.kind === 'reactivation') expect(m.amount).toBeGreaterThanOrEqual(0);
          }
          // `new` happens at most once, and never after the account had MRR.
          const firstNew = movements.findIndex((m) => m.kind === 'new');
          if (everHadBefore) expect(firstNew).toBe(-1);
          expect(movements.filter((m) => m.kind === 'new').length).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('with constant rates there is no fx_adjustment', () => {
    fc.assert(
      fc.property(fc.array(subscriptionHistory, { minLength: 1, maxLength: 3 }), rate, (histories, r) => {
        const rates = Array.from({ length: DAYS }, () => ({ eur: r, jpy: r, bhd: r, gbp: r }));
        const t = summariseMovements(movementsFromSeries(buildSeries(histories, rates), 'usd'));
        expect(t.fxAdjustment).toBe(0);
      }),
      { numRuns: 100 },
    );
  });
});

describe('MRR of random subscriptions', () => {
  it('is always a non-negative integer, and 0 unless active or past_due', () => {
    fc.assert(
      fc.property(subscriptionHistory, fc.integer({ min: 0, max: DAYS - 1 }), (h, day) => {
        const sub = subscriptionOnDay(h, day) ?? subscriptionOnDay(h, DAYS)!;
        const m = subscriptionMrr(sub, endOfDay(day));
        expect(Number.isSafeInteger(m.mrr)).toBe(true);
        expect(m.mrr).toBeGreaterThanOrEqual(0);
        for (const i of m.items) expect(Number.isSafeInteger(i.mrr) && i.mrr >= 0).toBe(true);
        if (!['active', 'past_due'].includes(sub.status) || sub.pauseCollection) expect(m.mrr).toBe(0);
      }),
      { numRuns: 500 },
    );
  });
});
