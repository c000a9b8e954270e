import { describe, expect, it } from 'vitest';
import { isoDate, utc } from './dates.ts';
import type { FxRates } from './fx.ts';
import {
  type DatedMovement,
  dailyMovement,
  type MrrDay,
  movementsFromSeries,
  summariseMovements,
} from './movements.ts';
import { accountMrr } from './mrr.ts';
import { item, subscription } from './test-builders.ts';
import type { BillingSubscription } from './types.ts';

const DAY = 86_400;
const USD_ONLY: FxRates = { date: '2026-01-01', rates: {} };
const fxUsd = { previous: USD_ONLY, current: USD_ONLY, reportingCurrency: 'usd' };

/** A daily series from `first` to `last` (UTC dates), with the account's subscriptions at each day's end. */
function series(first: number, last: number, subsAt: (endOfDay: number) => BillingSubscription[]): MrrDay[] {
  const days: MrrDay[] = [];
  for (let t = first; t <= last; t += DAY) {
    const endOfDay = t + DAY - 1;
    days.push({ date: isoDate(t), mrr: accountMrr(subsAt(endOfDay), endOfDay), fx: USD_ONLY });
  }
  return days;
}

function inMonth(movements: DatedMovement[], month: string) {
  return summariseMovements(movements.filter((m) => m.date.startsWith(month)));
}

describe('worked example 8: expansion, churn, reactivation over months', () => {
  const planChange = utc(2026, 3, 10, 9);
  const cancelled = utc(2026, 4, 20, 15);
  const resubscribed = utc(2026, 6, 12, 11);
  const subsAt = (t: number): BillingSubscription[] => {
    const first = subscription({
      id: 'sub_first',
      created: utc(2025, 11, 1),
      items: [item({ unitAmountDecimal: t >= planChange ? '20000' : '10000' })],
      ...(t >= cancelled ? { status: 'canceled', endedAt: cancelled } : {}),
    });
    const again = subscription({
      id: 'sub_again',
      created: resubscribed,
      items: [item({ unitAmountDecimal: '5000' })],
    });
    return t >= resubscribed ? [first, again] : [first];
  };
  const days = series(utc(2026, 2, 28), utc(2026, 6, 30), subsAt);
  const movements = movementsFromSeries(days, 'usd', true);

  it('March: expansion +10000 and nothing else', () => {
    expect(inMonth(movements, '2026-03')).toMatchObject({
      new: 0,
      reactivation: 0,
      expansion: 10000,
      contraction: 0,
      churn: 0,
      counts: { expansion: 1 },
    });
    expect(movements.find((m) => m.kind === 'expansion')?.date).toBe('2026-03-10');
  });

  it('April: churn −20000', () => {
    expect(inMonth(movements, '2026-04')).toMatchObject({ churn: -20000, expansion: 0, contraction: 0 });
    expect(movements.find((m) => m.kind === 'churn')?.date).toBe('2026-04-20');
  });

  it('May: no movement', () => {
    expect(inMonth(movements, '2026-05')).toMatchObject({ net: 0, counts: { churn: 0, reactivation: 0 } });
  });

  it('June: reactivation +5000 (not new: the account had MRR before)', () => {
    expect(inMonth(movements, '2026-06')).toMatchObject({ reactivation: 5000, new: 0 });
  });

  it('movements over March..June sum to MRR(June 30) − MRR(Feb 28)', () => {
    const t = summariseMovements(movements);
    expect(days[0]!.mrr).toEqual({ usd: 10000 });
    expect(days.at(-1)!.mrr).toEqual({ usd: 5000 });
    expect(t.new + t.reactivation + t.expansion + t.contraction + t.churn + t.fxAdjustment).toBe(
      5000 - 10000,
    );
    expect(t.net).toBe(-5000);
  });
});

describe('worked example 9: cancelling one of two subscriptions', () => {
  it('is contraction −5000, not churn', () => {
    const a = subscription({ items: [item({ unitAmountDecimal: '5000' })] });
    const b = subscription({ items: [item({ unitAmountDecimal: '5000' })] });
    const now = utc(2026, 5, 1);
    const before = accountMrr([a, b], now);
    const after = accountMrr([a, { ...b, status: 'canceled', endedAt: now }], now);
    expect(before).toEqual({ usd: 10000 });
    expect(dailyMovement(before, after, true, fxUsd)).toMatchObject({ kind: 'contraction', amount: -5000 });
  });
});

describe('dailyMovement', () => {
  it('classifies new, reactivation, expansion, contraction, churn and no change', () => {
    expect(dailyMovement({}, { usd: 3000 }, false, fxUsd)).toMatchObject({ kind: 'new', amount: 3000 });
    expect(dailyMovement({}, { usd: 3000 }, true, fxUsd)).toMatchObject({
      kind: 'reactivation',
      amount: 3000,
    });
    expect(dailyMovement({ usd: 3000 }, { usd: 4000 }, true, fxUsd)).toMatchObject({
      kind: 'expansion',
      amount: 1000,
    });
    expect(dailyMovement({ usd: 3000 }, { usd: 1000 }, true, fxUsd)).toMatchObject({
      kind: 'contraction',
      amount: -2000,
    });
    expect(dailyMovement({ usd: 3000 }, {}, true, fxUsd)).toMatchObject({ kind: 'churn', amount: -3000 });
    expect(dailyMovement({ usd: 3000 }, { usd: 3000 }, true, fxUsd)).toMatchObject({ kind: null, amount: 0 });
    expect(dailyMovement({}, { usd: 0 }, true, fxUsd)).toMatchObject({ kind: null, amount: 0 });
  });

  it('converts both days at the later day’s rate and reports FX drift on its own line', () => {
    const fx = {
      previous: { date: '2026-03-01', rates: { eur: '1.10' } },
      current: { date: '2026-03-02', rates: { eur: '1.20' } },
      reportingCurrency: 'usd',
    };
    // Unchanged EUR MRR while the rate moves: no movement, only fx.
    expect(dailyMovement({ eur: 10000 }, { eur: 10000 }, true, fx)).toEqual({
      kind: null,
      amount: 0,
      fxAdjustment: 1000,
      mrrStart: 11000,
      mrrEnd: 12000,
    });
    // An upgrade on the same day: the movement is valued at the new rate.
    expect(dailyMovement({ eur: 10000 }, { eur: 15000 }, true, fx)).toMatchObject({
      kind: 'expansion',
      amount: 6000,
      fxAdjustment: 1000,
    });
  });

  it('treats a plan change into another currency as one movement', () => {
    const fx = {
      previous: USD_ONLY,
      current: { date: '2026-03-02', rates: { eur: '1.25' } },
      reportingCurrency: 'usd',
    };
    expect(dailyMovement({ usd: 10000 }, { eur: 10000 }, true, fx)).toMatchObject({
      kind: 'expansion',
      amount: 2500,
    });
  });

  it('judges "had MRR" in the original currency, even when the converted amount rounds to 0', () => {
    const rates = { date: '2026-03-02', rates: { jpy: '0.004' } }; // ¥1 = 0.4 cents → 0
    const fx = { previous: rates, current: rates, reportingCurrency: 'usd' };
    expect(dailyMovement({}, { jpy: 1 }, false, fx)).toMatchObject({ kind: 'new', amount: 0 });
    expect(dailyMovement({ jpy: 1 }, {}, true, fx)).toMatchObject({ kind: 'churn', amount: 0 });
  });
});

describe('summariseMovements', () => {
  it('totals by kind, counts, fx and net', () => {
    const t = summariseMovements([
      { kind: 'new', amount: 5000, fxAdjustment: 0, mrrStart: 0, mrrEnd: 5000 },
      { kind: 'expansion', amount: 2000, fxAdjustment: 13, mrrStart: 5000, mrrEnd: 7013 },
      { kind: 'contraction', amount: -1000, fxAdjustment: -3, mrrStart: 7013, mrrEnd: 6010 },
      { kind: null, amount: 0, fxAdjustment: 7, mrrStart: 6010, mrrEnd: 6017 },
      { kind: 'churn', amount: -6017, fxAdjustment: 0, mrrStart: 6017, mrrEnd: 0 },
    ]);
    expect(t).toEqual({
      new: 5000,
      reactivation: 0,
      expansion: 2000,
      contraction: -1000,
      churn: -6017,
      fxAdjustment: 17,
      net: 0,
      counts: { new: 1, reactivation: 0, expansion: 1, contraction: 1, churn: 1 },
    });
  });
});
