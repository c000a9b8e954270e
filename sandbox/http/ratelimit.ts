// Token buckets for the global and per-endpoint limits. Capacity equals one second of rate, so a
// burst above the rate is refused at once, like Stripe's limiter.
export class TokenBucket {
  private tokens: number;
  private last: number;
  readonly rate: number;

  constructor(rate: number) {
    this.rate = rate;
    this.tokens = rate;
    this.last = performance.now();
  }

  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}

export class RateLimiter {
  private global: TokenBucket | null = null;
  private perEndpoint = new Map<string, TokenBucket>();
  private endpointRate: number | null = null;

  configure(globalRate: number | null, endpointRate: number | null): void {
    this.global = globalRate ? new TokenBucket(globalRate) : null;
    this.endpointRate = endpointRate || null;
    this.perEndpoint.clear();
  }

  /** Returns the reason a request is refused, or null when it may proceed. */
  check(endpoint: string): 'global-rate' | 'endpoint-rate' | null {
    if (this.global && !this.global.take()) return 'global-rate';
    if (this.endpointRate) {
      let b = this.perEndpoint.get(endpoint);
      if (!b) {
        b = new TokenBucket(this.endpointRate);
        this.perEndpoint.set(endpoint, b);
      }
      if (!b.take()) return 'endpoint-rate';
    }
    return null;
  }
}
