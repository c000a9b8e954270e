/**
 * ONE token bucket per connector: every Stripe request of that connector (backfill pages, nested
 * lists, permission probes, retries) takes a token first, so the connector never spends more than
 * its share of the account's rate limit, however many workers run.
 *
 * Reservation model: a taker reserves the next token even if it is not there yet and waits for
 * it. Takers are therefore served in arrival order and the rate is exact, with no polling.
 */

/** Time source, injected so tests can drive the bucket without waiting on the wall clock. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** Stripe's documented default limits (stripe-facts.md): about 100/s live, 25/s test. */
export const STRIPE_LIMIT_RPS = { live: 100, test: 25 } as const;
/** Share of Stripe's limit a connector spends by default, leaving room for the account's other clients. */
export const DEFAULT_BUDGET_SHARE = 0.9;

export function defaultRateLimitRps(apiKey: string): number {
  const live = /^(sk|rk)_live_/.test(apiKey);
  return (live ? STRIPE_LIMIT_RPS.live : STRIPE_LIMIT_RPS.test) * DEFAULT_BUDGET_SHARE;
}

export interface RateBudgetOptions {
  /** Requests per second. */
  rps: number;
  /** Tokens that may be spent at once after an idle spell; default a tenth of a second's worth. */
  burst?: number;
  clock?: Clock;
}

export interface RateBudget {
  readonly rps: number;
  readonly burst: number;
  /** Waits for one token. Rejects with the signal's reason when aborted while waiting. */
  take(signal?: AbortSignal): Promise<void>;
  /** Reserves one token and returns how long (ms) the caller must wait before spending it. */
  reserve(): number;
  /** Changes the rate from now on (a setting changed while syncing). */
  setRate(rps: number): void;
  /** Spends no tokens for `ms` (Stripe answered 429 with Retry-After: back off as one client). */
  pause(ms: number): void;
  /** Tokens taken since creation. */
  readonly taken: number;
}

export function createRateBudget(options: RateBudgetOptions): RateBudget {
  if (!(options.rps > 0))
    throw new Error(`Rate budget must be a positive number of requests/s, got ${options.rps}`);
  const clock = options.clock ?? systemClock;
  let rps = options.rps;
  let burst = options.burst ?? Math.max(1, Math.ceil(rps / 10));
  let interval = 1000 / rps;
  // The time at which the next token becomes free. A full bucket (`burst` tokens ready now) means
  // `next` lies burst-1 intervals in the past; it is never allowed further back than that.
  let next = clock.now() - (burst - 1) * interval;
  let taken = 0;

  const reserve = (): number => {
    const now = clock.now();
    next = Math.max(next, now - (burst - 1) * interval);
    const due = next;
    next += interval;
    taken++;
    return Math.max(0, due - now);
  };

  return {
    get rps() {
      return rps;
    },
    get burst() {
      return burst;
    },
    get taken() {
      return taken;
    },
    reserve,
    async take(signal) {
      if (signal?.aborted) throw signal.reason;
      const wait = reserve();
      if (wait > 0) await clock.sleep(wait, signal);
    },
    setRate(value) {
      if (!(value > 0)) throw new Error(`Rate budget must be positive, got ${value}`);
      rps = value;
      interval = 1000 / rps;
      burst = options.burst ?? Math.max(1, Math.ceil(rps / 10));
    },
    pause(ms) {
      next = Math.max(next, clock.now() + ms);
    },
  };
}
