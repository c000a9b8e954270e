// Exact rationals over bigint, for money arithmetic that must never touch a float.
// Always normalised: den > 0 and gcd(num, den) = 1, so equal values have equal fields.

export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

export function rat(num: bigint | number, den: bigint | number = 1n): Rational {
  const n = typeof num === 'bigint' ? num : integerToBigint(num);
  const d = typeof den === 'bigint' ? den : integerToBigint(den);
  if (d === 0n) throw new RangeError('Rational with a zero denominator');
  const sign = d < 0n ? -1n : 1n;
  const g = gcd(n, d) || 1n;
  return { num: (sign * n) / g, den: (sign * d) / g };
}

function integerToBigint(n: number): bigint {
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`Expected a safe integer, got ${n}; pass decimals as strings to parseDecimal`);
  }
  return BigInt(n);
}

export const ZERO: Rational = rat(0n);
export const ONE: Rational = rat(1n);

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses an exact decimal string ("1234.5678", "-0.5", "1e3"), or a finite number via its shortest
 * decimal representation (so 12.5 is exactly 25/2). */
export function parseDecimal(value: string | number): Rational {
  const text = typeof value === 'number' ? numberToText(value) : value.trim();
  const m = DECIMAL.exec(text);
  if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) {
    throw new RangeError(`Not a decimal number: ${JSON.stringify(value)}`);
  }
  const [, sign, intPart, fracPart = '', expPart] = m;
  const digits = BigInt(`${intPart}${fracPart}` || '0');
  const exp = (expPart === undefined ? 0 : Number(expPart)) - fracPart.length;
  const signed = sign === '-' ? -digits : digits;
  return exp >= 0 ? rat(signed * 10n ** BigInt(exp)) : rat(signed, 10n ** BigInt(-exp));
}

function numberToText(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`Not a finite number: ${n}`);
  return String(n);
}

export function add(a: Rational, b: Rational): Rational {
  return rat(a.num * b.den + b.num * a.den, a.den * b.den);
}

export function sub(a: Rational, b: Rational): Rational {
  return rat(a.num * b.den - b.num * a.den, a.den * b.den);
}

export function mul(a: Rational, b: Rational): Rational {
  return rat(a.num * b.num, a.den * b.den);
}

export function div(a: Rational, b: Rational): Rational {
  if (b.num === 0n) throw new RangeError('Division by zero');
  return rat(a.num * b.den, a.den * b.num);
}

export function cmp(a: Rational, b: Rational): -1 | 0 | 1 {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

export function isZero(a: Rational): boolean {
  return a.num === 0n;
}

export function max(a: Rational, b: Rational): Rational {
  return cmp(a, b) >= 0 ? a : b;
}

export function sum(values: Iterable<Rational>): Rational {
  let total = ZERO;
  for (const v of values) total = add(total, v);
  return total;
}

/** Largest integer ≤ a. */
export function floor(a: Rational): bigint {
  const q = a.num / a.den; // truncates toward zero
  return a.num < 0n && q * a.den !== a.num ? q - 1n : q;
}

/** Smallest integer ≥ a. */
export function ceil(a: Rational): bigint {
  return -floor(rat(-a.num, a.den));
}

/** Rounds to the nearest integer; exact halves go to the even neighbour (banker's rounding). */
export function roundHalfEven(a: Rational): bigint {
  const q = floor(a);
  const twiceRemainder = 2n * (a.num - q * a.den); // in [0, 2·den)
  if (twiceRemainder < a.den) return q;
  if (twiceRemainder > a.den) return q + 1n;
  return q % 2n === 0n ? q : q + 1n;
}

/** Rounds half-to-even and returns a safe JS integer (throws past 2^53, which no real amount reaches). */
export function toSafeInteger(a: Rational): number {
  const r = roundHalfEven(a);
  const n = Number(r);
  if (!Number.isSafeInteger(n)) throw new RangeError(`Amount ${r} is outside the safe integer range`);
  return n;
}

/** Exact decimal string of a rational with a terminating expansion of at most `digits` places,
 * padded to exactly `digits`; throws when the value needs more. */
export function toFixedExact(a: Rational, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const scaled = a.num * scale;
  if (scaled % a.den !== 0n)
    throw new RangeError(`Value ${a.num}/${a.den} needs more than ${digits} decimals`);
  const v = scaled / a.den;
  const neg = v < 0n;
  const abs = (neg ? -v : v).toString().padStart(digits + 1, '0');
  const intPart = abs.slice(0, abs.length - digits);
  const frac = digits > 0 ? `.${abs.slice(abs.length - digits)}` : '';
  return `${neg ? '-' : ''}${intPart}${frac}`;
}
