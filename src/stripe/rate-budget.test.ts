import { describe, expect, it } from 'vitest';
import { type Clock, createRateBudget, defaultRateLimitRps } from './rate-budget.ts';

/** A clock that only moves when the test says so; sleeps resolve when time passes their end. */
function fakeClock(): Clock & { advance(ms: number): Promise<void>; sleeps: number[] } {
  let now = 1_000_000;
  const waiting: { until: number; resolve: () => void }[] = [];
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleeps,
    sleep(ms) {
      sleeps.push(ms);
      return new Promise((resolve) => waiting.push({ until: now + ms, resolve }));
    },
    async advance(ms) {
      now += ms;
      for (const w of waiting.filter((w) => w.until <= now)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
      await Promise.resolve();
    },
  };
}

describe('rate budget (token bucket)', () => {
  it('defaults to 90% of Stripe’s limit for the key’s mode', () => {
    expect(defaultRateLimitRps('rk_live_abc')).toBe(90);
    expect(defaultRateLimitRps('sk_live_abc')).toBe(90);
    expect(defaultRateLimitRps('rk_test_abc')).toBe(22.5);
  });

  it('lets a burst through at once, then spaces requests at exactly 1/rate', () => {
    const clock = fakeClock();
    const budget = createRateBudget({ rps: 10, burst: 2, clock });
    const waits = Array.from({ length: 6 }, () => budget.reserve());
    expect(waits).toEqual([0, 0, 100, 200, 300, 400]);
  });

  it('never hands out more than rate × seconds + burst tokens over any stretch', async () => {
    const clock = fakeClock();
    const budget = createRateBudget({ rps: 50, burst: 5, clock });
    let granted = 0;
    for (let step = 0; step < 200; step++) {
      // Ask for far more than the rate each 10 ms; count only those due by now.
      for (let i = 0; i < 3; i++) if (budget.reserve() === 0) granted++;
      await clock.advance(10);
    }
    // 2 seconds at 50/s plus the burst.
    expect(granted).toBeLessThanOrEqual(50 * 2 + 5);
  });

  it('refills after an idle spell only up to the burst', async () => {
    const clock = fakeClock();
    const budget = createRateBudget({ rps: 10, burst: 3, clock });
    for (let i = 0; i < 3; i++) budget.reserve();
    await clock.advance(60_000);
    const waits = Array.from({ length: 5 }, () => budget.reserve());
    expect(waits).toEqual([0, 0, 0, 100, 200]);
  });

  it('serves waiting takers in arrival order', async () => {
    const clock = fakeClock();
    const budget = createRateBudget({ rps: 10, burst: 1, clock });
    const order: number[] = [];
    const takers = [0, 1, 2, 3].map((i) => budget.take().then(() => order.push(i)));
    for (let t = 0; t < 5; t++) await clock.advance(100);
    await Promise.all(takers);
    expect(order).toEqual([0, 1, 2, 3]);
    expect(budget.taken).toBe(4);
  });

  it('pauses every taker after a 429 and resumes at the set rate', () => {
    const clock = fakeClock();
    const budget = createRateBudget({ rps: 10, burst: 1, clock });
    expect(budget.reserve()).toBe(0);
    budget.pause(2000);
    expect(budget.reserve()).toBe(2000);
    expect(budget.reserve()).toBe(2100);
  });

  it('changes rate when the setting changes', () => {
    const clock = fakeClock();
    const budget = createRateBudget({ rps: 10, burst: 1, clock });
    budget.reserve();
    budget.setRate(20);
    expect(budget.rps).toBe(20);
    expect(budget.reserve()).toBe(100);
    expect(budget.reserve()).toBe(150);
  });

  it('rejects a rate that is not positive', () => {
    expect(() => createRateBudget({ rps: 0 })).toThrow(/positive/);
  });

  it('stops waiting when the sync is cancelled', async () => {
    const budget = createRateBudget({ rps: 1, burst: 1 });
    budget.reserve();
    const controller = new AbortController();
    const waiting = budget.take(controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
  });
});
