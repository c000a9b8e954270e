import { describe, expect, it } from 'vitest';
import { passesLuhn, REDACTED_CARD_NUMBER, redactObject, redactString } from './redact.ts';

describe('card-number redaction', () => {
  it('replaces Luhn-valid 13–19 digit numbers wherever they appear in text', () => {
    expect(redactString('card 4242 4242 4242 4242 please')).toBe(`card ${REDACTED_CARD_NUMBER} please`);
    expect(redactString('4000-0566-5566-5556')).toBe(REDACTED_CARD_NUMBER);
    expect(redactString('378282246310005')).toBe(REDACTED_CARD_NUMBER); // Amex, 15 digits
  });

  it('keeps digit runs that are not card numbers', () => {
    expect(redactString('order 4242424242424241')).toBe('order 4242424242424241'); // fails Luhn
    expect(redactString('invoice ABC-0001 of 1764159840')).toBe('invoice ABC-0001 of 1764159840');
    expect(redactString('12345678901234567890123')).toBe('12345678901234567890123'); // 23 digits
  });

  it('walks nested objects and arrays, drops CVC-like keys, and leaves the input untouched', () => {
    const input = {
      id: 'cus_1',
      metadata: { note: 'pan 5555555555554444', cvc: '123' },
      lines: [{ description: 'x 4111111111111111' }],
      amount: 4242424242424242,
    };
    const stats = { replaced: 0 };
    const out = redactObject(input, stats);
    expect(out).toEqual({
      id: 'cus_1',
      metadata: { note: `pan ${REDACTED_CARD_NUMBER}` },
      lines: [{ description: `x ${REDACTED_CARD_NUMBER}` }],
      amount: REDACTED_CARD_NUMBER,
    });
    expect(stats.replaced).toBe(4);
    expect(input.metadata.cvc).toBe('123');
  });

  it('implements Luhn', () => {
    expect(passesLuhn('4242424242424242')).toBe(true);
    expect(passesLuhn('4242424242424243')).toBe(false);
  });
});
