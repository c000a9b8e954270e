import { describe, expect, it } from 'vitest';
import { convertMrr, MissingFxRateError, ratesAsOf } from './fx.ts';

describe('convertMrr', () => {
  const fx = { date: '2026-03-31', rates: { eur: '1.0825', jpy: '0.006712', bhd: '2.6596' } };

  it('converts across exponents exactly and rounds once, half-to-even', () => {
    // 45.00 EUR × 1.0825 = 48.7125 USD; 10,000 JPY × 0.006712 = 67.12 USD; 1.000 BHD = 2.6596 USD
    expect(convertMrr({ eur: 4500 }, fx, 'usd')).toBe(4871);
    expect(convertMrr({ jpy: 10000 }, fx, 'usd')).toBe(6712);
    expect(convertMrr({ bhd: 1000 }, fx, 'usd')).toBe(266);
    // summed exactly before rounding: 4871.25 + 6712 + 265.96 = 11849.21
    expect(convertMrr({ usd: 0, eur: 4500, jpy: 10000, bhd: 1000 }, fx, 'usd')).toBe(11849);
  });

  it('converts into a zero-decimal reporting currency', () => {
    expect(convertMrr({ usd: 10000 }, { date: '2026-03-31', rates: { usd: '149.5' } }, 'jpy')).toBe(14950);
  });

  it('throws MissingFxRateError naming the currency and date, never a silent 0', () => {
    let error: unknown;
    try {
      convertMrr({ gbp: 100 }, fx, 'usd');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MissingFxRateError);
    expect(error).toMatchObject({ currency: 'gbp', date: '2026-03-31' });
  });

  it('needs no rate for the reporting currency or a zero amount', () => {
    expect(convertMrr({ usd: 1234, gbp: 0 }, { date: '2026-01-01', rates: {} }, 'usd')).toBe(1234);
  });
});

describe('ratesAsOf', () => {
  it('takes the latest rate on or before the date, per currency', () => {
    const table = [
      { currency: 'EUR', date: '2026-03-01', rate: '1.08' },
      { currency: 'eur', date: '2026-03-15', rate: '1.09' },
      { currency: 'eur', date: '2026-04-01', rate: '1.10' },
      { currency: 'gbp', date: '2026-04-02', rate: '1.27' },
    ];
    expect(ratesAsOf(table, '2026-03-31')).toEqual({ date: '2026-03-31', rates: { eur: '1.09' } });
    expect(ratesAsOf(table, '2026-04-02').rates).toEqual({ eur: '1.10', gbp: '1.27' });
    expect(() => convertMrr({ gbp: 1 }, ratesAsOf(table, '2026-03-31'), 'usd')).toThrow(MissingFxRateError);
  });
});
