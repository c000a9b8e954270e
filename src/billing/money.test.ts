import { describe, expect, it } from 'vitest';
import { currencyExponent, formatMoney, fromMajor, toMajor } from './money.ts';
import { parseDecimal, rat, roundHalfEven } from './rational.ts';

describe('currency exponents', () => {
  it('follows the table: zero-decimal, three-decimal, else two', () => {
    for (const c of [
      'BIF',
      'CLP',
      'DJF',
      'GNF',
      'JPY',
      'KMF',
      'KRW',
      'MGA',
      'PYG',
      'RWF',
      'UGX',
      'VND',
      'VUV',
      'XAF',
      'XOF',
      'XPF',
    ]) {
      expect(currencyExponent(c)).toBe(0);
    }
    for (const c of ['bhd', 'jod', 'kwd', 'omr', 'tnd']) expect(currencyExponent(c)).toBe(3);
    for (const c of ['usd', 'eur', 'gbp', 'huf', 'isk', 'twd']) expect(currencyExponent(c)).toBe(2);
  });
});

describe('formatMoney', () => {
  it('shows JPY in whole yen: ¥10,000, not ¥100.00', () => {
    expect(formatMoney(10000, 'jpy')).toBe('¥10,000');
  });
  it('shows EUR with two decimals: €45.00', () => {
    expect(formatMoney(4500, 'eur')).toBe('€45.00');
  });
  it('shows BHD with three decimals', () => {
    expect(formatMoney(12345, 'bhd')).toMatch(/^BHD\s12\.345$/);
  });
  it('shows negative amounts with a minus sign', () => {
    expect(formatMoney(-505, 'usd')).toBe('-$5.05');
    expect(formatMoney(-1, 'jpy')).toBe('-¥1');
  });
  it('uses the locale for separators and symbol position', () => {
    expect(formatMoney(123456, 'eur', 'de-DE')).toBe('1.234,56\u00a0€');
  });
  it('formats amounts beyond float precision exactly', () => {
    expect(formatMoney(9_007_199_254_740_991n, 'usd')).toBe('$90,071,992,547,409.91');
  });
  it('refuses a fractional minor amount', () => {
    expect(() => formatMoney(10.5, 'usd')).toThrow(RangeError);
  });
});

describe('toMajor / fromMajor', () => {
  it('converts exactly by the currency exponent', () => {
    expect(toMajor(4500, 'eur')).toBe('45.00');
    expect(toMajor(10000, 'jpy')).toBe('10000');
    expect(toMajor(1, 'kwd')).toBe('0.001');
    expect(toMajor(-5, 'usd')).toBe('-0.05');
    expect(fromMajor('45.00', 'eur')).toBe(4500);
    expect(fromMajor('10000', 'jpy')).toBe(10000);
    expect(fromMajor('1.234', 'bhd')).toBe(1234);
    expect(fromMajor(0.1, 'usd')).toBe(10);
  });
  it('refuses more decimals than the currency has', () => {
    expect(() => fromMajor('45.005', 'usd')).toThrow(/more than 2 decimals/);
    expect(() => fromMajor('1.5', 'jpy')).toThrow(RangeError);
  });
});

describe('half-to-even rounding of exact rationals', () => {
  it('sends exact halves to the even neighbour, in both signs', () => {
    expect(roundHalfEven(rat(5, 2))).toBe(2n);
    expect(roundHalfEven(rat(7, 2))).toBe(4n);
    expect(roundHalfEven(rat(-5, 2))).toBe(-2n);
    expect(roundHalfEven(rat(-7, 2))).toBe(-4n);
  });
  it('rounds non-halves to the nearest', () => {
    expect(roundHalfEven(rat(26000, 12))).toBe(2167n); // 2166.67
    expect(roundHalfEven(rat(-26000, 12))).toBe(-2167n);
    expect(roundHalfEven(parseDecimal('2.5000001'))).toBe(3n);
  });
  it('parses decimal strings exactly (no float)', () => {
    expect(parseDecimal('0.1')).toEqual(rat(1, 10));
    expect(parseDecimal('1234.5678')).toEqual(rat(12345678, 10000));
    expect(parseDecimal('1e3')).toEqual(rat(1000));
    expect(() => parseDecimal('abc')).toThrow(RangeError);
  });
});
