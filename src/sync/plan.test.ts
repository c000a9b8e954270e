import { describe, expect, it } from 'vitest';
import { dependentFamilies, listedFamilies, splitPoint } from './plan.ts';

describe('backfill plan', () => {
  it('lists every family with its own endpoint, and payment methods per customer', () => {
    const listed = listedFamilies().map((f) => f.family);
    expect(listed).toContain('subscriptions');
    expect(listed).not.toContain('payment_methods');
    expect(listed).not.toContain('invoice_line_items');
    expect(dependentFamilies()).toEqual(['payment_methods']);
    expect(dependentFamilies(['payment_methods'])).toEqual([]);
  });

  it('cuts the remaining window of a range in the middle', () => {
    expect(splitPoint({ gte: 1000, cursorCreated: 2000 })).toBe(1500);
  });

  it('uses the account’s oldest known object when the range starts at 0', () => {
    expect(splitPoint({ gte: 0, cursorCreated: 1_700_000_000 }, 1_600_000_000)).toBe(1_650_000_000);
    // A hint outside the window is ignored.
    expect(splitPoint({ gte: 1_650_000_000, cursorCreated: 1_700_000_000 }, 1_600_000_000)).toBe(
      1_675_000_000,
    );
  });

  it('does not cut a range that has not read a page, or a single second', () => {
    expect(splitPoint({ gte: 0, cursorCreated: null })).toBeNull();
    expect(splitPoint({ gte: 1000, cursorCreated: 1000 })).toBeNull();
    expect(splitPoint({ gte: 1000, cursorCreated: 1001 })).toBeNull();
    expect(splitPoint({ gte: 1000, cursorCreated: 1002 })).toBe(1001);
  });
});
