/**
 * When to retry a Stripe request and how long to wait, as a pure function so it is tested without
 * a network. Mirrors stripe-node's RequestSender: `Stripe-Should-Retry` decides when present;
 * otherwise connection failures, 409, 429 and 5xx are retried, with exponential backoff and
 * jitter, and never sooner than `Retry-After` says.
 */

export interface RetryPolicy {
  /** Retries after the first attempt (so maxRetries + 1 attempts in all). */
  maxRetries: number;
  /** Delay before the first retry, in ms; doubles with each retry. */
  baseDelayMs: number;
  /** Cap on a computed backoff delay, in ms. */
  maxDelayMs: number;
  /** Cap on a server-requested Retry-After, in ms (a misbehaving header must not stall a sync for hours). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 6,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
};

/** What a failed attempt looked like: no status for connection failures. */
export interface FailedAttempt {
  status?: number;
  /** Response headers, lower-cased names. */
  headers?: Record<string, string | string[] | undefined>;
}

export interface RetryDecision {
  retry: boolean;
  delayMs: number;
}

const RETRYABLE_STATUS = new Set([409, 429, 500, 502, 503, 504]);

function header(h: FailedAttempt['headers'], name: string): string | undefined {
  const v = h?.[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `Retry-After` as seconds or an HTTP date, in ms from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * `retriesSoFar` is 0 for the decision after the first attempt. `random` returns [0, 1) and is
 * injected so tests pin the jitter.
 */
export function decideRetry(
  failure: FailedAttempt,
  retriesSoFar: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): RetryDecision {
  if (retriesSoFar >= policy.maxRetries) return { retry: false, delayMs: 0 };
  const should = header(failure.headers, 'stripe-should-retry');
  let retry: boolean;
  if (should === 'true') retry = true;
  else if (should === 'false') retry = false;
  else retry = failure.status === undefined || RETRYABLE_STATUS.has(failure.status);
  if (!retry) return { retry: false, delayMs: 0 };
  // "Equal jitter": half the exponential step is fixed, half random, so concurrent workers that
  // failed together do not retry together.
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retriesSoFar);
  const backoff = step / 2 + random() * (step / 2);
  const asked = parseRetryAfter(header(failure.headers, 'retry-after'));
  const floor = asked === undefined ? 0 : Math.min(asked, policy.maxRetryAfterMs);
  return { retry: true, delayMs: Math.max(backoff, floor) };
}
