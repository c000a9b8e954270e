// Seeded PRNG (sfc32): every random choice in the sandbox flows from here, never from Math.random,
// so the same seed and the same requests give byte-identical data.
export type Rng = {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
};

export function createRng(seed: number): Rng {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 ^ (seed * 31);
  let c = 0xb7e15162 ^ (seed * 17);
  let d = 1;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Stripe-looking ids (`cus_` + 14 base62 chars), unique because a counter is folded in. */
export function createIdMaker(rng: Rng): (prefix: string) => string {
  let counter = 0;
  return (prefix) => {
    counter++;
    // 6 counter chars keep ids unique; 8 random chars keep them looking like Stripe's.
    let n = counter;
    let out = '';
    for (let i = 0; i < 6; i++) {
      out = ALPHABET[n % 62]! + out;
      n = Math.floor(n / 62);
    }
    for (let i = 0; i < 8; i++) out += ALPHABET[Math.floor(rng.next() * 62)]!;
    return prefix + out;
  };
}

export function randomToken(rng: Rng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(rng.next() * 62)]!;
  return out;
}
