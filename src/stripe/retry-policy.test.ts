import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, decideRetry, parseRetryAfter } from './retry-policy.ts';

const policy = { ...DEFAULT_RETRY_POLICY, maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000 };
const half = () => 0.5;

describe('retry policy', () => {
  it('retries connection failures, 409, 429 and 5xx with growing, jittered delays', () => {
    for (const status of [undefined, 409, 429, 500, 503]) {
      expect(decideRetry({ status }, 0, policy, half).retry).toBe(true);
    }
    expect(decideRetry({ status: 500 }, 0, policy, () => 0).delayMs).toBe(50);
    expect(decideRetry({ status: 500 }, 0, policy, () => 0.999).delayMs).toBeCloseTo(100, 0);
    expect(decideRetry({ status: 500 }, 2, policy, () => 0).delayMs).toBe(200);
  });

  it('does not retry 400, 401, 403 or 404', () => {
    for (const status of [400, 401, 403, 404])
      expect(decideRetry({ status }, 0, policy, half).retry).toBe(false);
  });

  it('gives up after maxRetries', () => {
    expect(decideRetry({ status: 500 }, 3, policy, half).retry).toBe(false);
  });

  it('obeys Stripe-Should-Retry both ways', () => {
    expect(
      decideRetry({ status: 400, headers: { 'stripe-should-retry': 'true' } }, 0, policy, half).retry,
    ).toBe(true);
    expect(
      decideRetry({ status: 500, headers: { 'stripe-should-retry': 'false' } }, 0, policy, half).retry,
    ).toBe(false);
  });

  it('waits at least Retry-After, capped', () => {
    expect(decideRetry({ status: 429, headers: { 'retry-after': '3' } }, 0, policy, half).delayMs).toBe(3000);
    expect(decideRetry({ status: 429, headers: { 'retry-after': '99999' } }, 0, policy, half).delayMs).toBe(
      policy.maxRetryAfterMs,
    );
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
