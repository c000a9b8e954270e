import { type Clock, createRateBudget, type RateBudget } from './rate-budget.ts';

/**
 * Stripe also limits some endpoints on their own (stripe-facts.md: often 25/s), below the
 * account-wide limit. When a 429 says the limit hit was the endpoint's, only that endpoint slows
 * down (additive increase, multiplicative decrease), so the rest of the budget keeps flowing to
 * the other families instead of every worker backing off together.
 */

export interface EndpointLimits {
  /** Waits for the endpoint's own token when it has been found limited; free otherwise. */
  take(endpoint: string, signal?: AbortSignal): Promise<void>;
  /** The endpoint answered 429 for its own limit. */
  limited(endpoint: string): void;
  /** The endpoint answered; lets a limited endpoint's rate creep back up. */
  succeeded(endpoint: string): void;
  /** Current learned rate per limited endpoint (for reports). */
  rates(): Record<string, number>;
}

interface Learned {
  budget: RateBudget;
  lastChange: number;
}

/** `rps` is the connector's whole budget: the ceiling any one endpoint can climb back to. */
export function createEndpointLimits(options: { rps: () => number; clock: Clock }): EndpointLimits {
  const learned = new Map<string, Learned>();
  const { clock } = options;
  return {
    async take(endpoint, signal) {
      await learned.get(endpoint)?.budget.take(signal);
    },
    limited(endpoint) {
      const now = clock.now();
      const l = learned.get(endpoint);
      if (!l) {
        // First sign of a per-endpoint limit: start at half the connector's budget.
        const rps = Math.max(1, options.rps() / 2);
        learned.set(endpoint, { budget: createRateBudget({ rps, burst: 1, clock }), lastChange: now });
        return;
      }
      // One decrease per half second: a burst of 429s from requests already in flight is one signal.
      if (now - l.lastChange < 500) return;
      l.budget.setRate(Math.max(1, l.budget.rps * 0.8));
      l.lastChange = now;
    },
    succeeded(endpoint) {
      const l = learned.get(endpoint);
      if (!l) return;
      const now = clock.now();
      if (now - l.lastChange < 1000) return;
      const ceiling = options.rps();
      l.budget.setRate(Math.min(ceiling, l.budget.rps + 1));
      l.lastChange = now;
    },
    rates() {
      return Object.fromEntries([...learned].map(([k, v]) => [k, Math.round(v.budget.rps * 10) / 10]));
    },
  };
}
