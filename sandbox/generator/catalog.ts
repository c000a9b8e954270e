// The generated product catalogue: several currencies (jpy is zero-decimal), intervals
// day/week/month/year with interval_count 2 and 3, seat quantities, tiered volume and graduated
// prices, a transform_quantity price, a metered price, and coupons of each duration.
import { tier } from '../engine/amounts.ts';
import { changed, type SandboxState } from '../engine/state.ts';
import { newCoupon, newPrice, newProduct } from '../objects/catalog.ts';
import type { Coupon, Price } from '../objects/wire.ts';

export type Plan = { price: Price; seats: boolean; weight: number };
export type Catalog = { plans: Map<string, Plan[]>; coupons: Coupon[] };

const CURRENCY_FACTOR: Record<string, number> = { usd: 1, eur: 0.92, gbp: 0.79, jpy: 1.5 }; // jpy: ¥150 per $1, no decimals

export function createCatalog(s: SandboxState): Catalog {
  const plans = new Map<string, Plan[]>();
  const product = (name: string, description: string) => {
    const p = newProduct({ id: s.newId('prod_'), created: s.now, name, description });
    s.store.products.insert(p);
    changed(s, 'product.created', s.store.products, p.id);
    return p;
  };
  const specs: {
    name: string;
    desc: string;
    usd: number;
    interval: 'day' | 'week' | 'month' | 'year';
    count: number;
    seats?: boolean;
    tiers?: 'volume' | 'graduated';
    transform?: boolean;
    metered?: boolean;
    weight: number;
  }[] = [
    { name: 'Starter', desc: 'For small teams', usd: 2900, interval: 'month', count: 1, weight: 30 },
    { name: 'Team', desc: 'Per-seat plan', usd: 1200, interval: 'month', count: 1, seats: true, weight: 25 },
    { name: 'Business', desc: 'Annual plan', usd: 99000, interval: 'year', count: 1, weight: 12 },
    {
      name: 'Team Annual',
      desc: 'Per-seat annual plan',
      usd: 12000,
      interval: 'year',
      count: 1,
      seats: true,
      weight: 6,
    },
    {
      name: 'Quarterly Pro',
      desc: 'Billed every 3 months',
      usd: 24900,
      interval: 'month',
      count: 3,
      weight: 7,
    },
    {
      name: 'Bimonthly Basic',
      desc: 'Billed every 2 months',
      usd: 4900,
      interval: 'month',
      count: 2,
      weight: 4,
    },
    { name: 'Weekly Boost', desc: 'Billed weekly', usd: 900, interval: 'week', count: 1, weight: 3 },
    {
      name: 'Seats (graduated)',
      desc: 'Graduated seat pricing',
      usd: 0,
      interval: 'month',
      count: 1,
      seats: true,
      tiers: 'graduated',
      weight: 5,
    },
    {
      name: 'Storage (volume)',
      desc: 'Volume storage pricing',
      usd: 0,
      interval: 'month',
      count: 1,
      seats: true,
      tiers: 'volume',
      weight: 4,
    },
    {
      name: 'API packs',
      desc: '1,000 calls per pack',
      usd: 500,
      interval: 'month',
      count: 1,
      seats: true,
      transform: true,
      weight: 3,
    },
    { name: 'Usage', desc: 'Metered usage', usd: 10, interval: 'month', count: 1, metered: true, weight: 1 },
  ];
  for (const spec of specs) {
    const prod = product(spec.name, spec.desc);
    for (const currency of Object.keys(CURRENCY_FACTOR)) {
      const factor = CURRENCY_FACTOR[currency]!;
      const amount =
        currency === 'jpy' ? Math.round((spec.usd / 100) * 150) : Math.round((spec.usd * factor) / 100) * 100;
      const price = newPrice({
        id: s.newId('price_'),
        created: s.now,
        product: prod.id,
        currency,
        unitAmount: spec.tiers ? null : amount,
        recurring: {
          interval: spec.interval,
          interval_count: spec.count,
          usage_type: spec.metered ? 'metered' : 'licensed',
        },
        billingScheme: spec.tiers ? 'tiered' : 'per_unit',
        tiersMode: spec.tiers ?? null,
        transformQuantity: spec.transform ? { divide_by: 1000, round: 'up' } : null,
        nickname: `${spec.name} ${currency.toUpperCase()}`,
      });
      if (spec.tiers) {
        const u = (usd: number) =>
          currency === 'jpy' ? Math.round((usd / 100) * 150) : Math.round(usd * factor);
        s.store.priceTiers.set(price.id, [tier(10, u(1500)), tier(50, u(1200)), tier(null, u(900), u(5000))]);
      }
      s.store.prices.insert(price);
      changed(s, 'price.created', s.store.prices, price.id);
      if (currency === 'usd') {
        prod.default_price = price.id;
        s.store.products.touch(prod.id);
      }
      const list = plans.get(currency) ?? [];
      list.push({ price, seats: !!spec.seats, weight: spec.weight });
      plans.set(currency, list);
    }
  }
  const coupon = (p: Parameters<typeof newCoupon>[0]) => {
    const c = newCoupon(p);
    s.store.coupons.insert(c);
    changed(s, 'coupon.created', s.store.coupons, c.id);
    return c;
  };
  const coupons = [
    coupon({ id: 'LOYAL10', created: s.now, duration: 'forever', percentOff: 10, name: '10% forever' }),
    coupon({ id: 'WELCOME25', created: s.now, duration: 'once', percentOff: 25, name: '25% first invoice' }),
    coupon({
      id: 'LAUNCH3M',
      created: s.now,
      duration: 'repeating',
      durationInMonths: 3,
      percentOff: 20,
      name: '20% for 3 months',
    }),
    coupon({
      id: 'FIVEOFF',
      created: s.now,
      duration: 'once',
      amountOff: 500,
      currency: 'usd',
      name: '$5 off once',
    }),
    coupon({ id: 'NONPROFIT', created: s.now, duration: 'forever', percentOff: 50, name: 'Non-profit 50%' }),
  ];
  return { plans, coupons };
}

export function pickPlan(s: SandboxState, plans: Plan[]): Plan {
  const total = plans.reduce((t, p) => t + p.weight, 0);
  let r = s.rng.next() * total;
  for (const p of plans) {
    r -= p.weight;
    if (r < 0) return p;
  }
  return plans[plans.length - 1]!;
}
