/**
 * Card-data defence. Stripe never returns full card numbers, but metadata, descriptions and notes
 * are free text: anything shaped like a card number (13–19 digits, optionally split by spaces or
 * dashes, passing Luhn) is replaced before storage, in any field, and CVC-like fields are dropped.
 */

export const REDACTED_CARD_NUMBER = '[redacted card number]';

const CARD_LIKE = /(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])/g;
const DROPPED_KEYS = new Set(['cvc', 'cvv', 'cvc2', 'cvv2', 'security_code', 'card_number', 'pan']);

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

function isCardNumber(candidate: string): boolean {
  const digits = candidate.replace(/[ -]/g, '');
  return digits.length >= 13 && digits.length <= 19 && passesLuhn(digits);
}

export function redactString(value: string): string {
  if (value.length < 13) return value;
  return value.replace(CARD_LIKE, (m) => (isCardNumber(m) ? REDACTED_CARD_NUMBER : m));
}

/** Returns a redacted deep copy; the input is not modified. Counts replacements in `stats`. */
export function redactObject<T>(value: T, stats?: { replaced: number }): T {
  return walk(value, stats) as T;
}

function walk(value: unknown, stats?: { replaced: number }): unknown {
  if (typeof value === 'string') {
    const out = redactString(value);
    if (stats && out !== value) stats.replaced++;
    return out;
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value) && Math.abs(value) >= 1e12 && isCardNumber(String(Math.abs(value)))) {
      if (stats) stats.replaced++;
      return REDACTED_CARD_NUMBER;
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => walk(v, stats));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (DROPPED_KEYS.has(k.toLowerCase())) {
        if (stats) stats.replaced++;
        continue;
      }
      out[k] = walk(v, stats);
    }
    return out;
  }
  return value;
}
