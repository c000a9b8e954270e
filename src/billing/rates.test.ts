import { describe, expect, it } from 'vitest';
import { arpa, grossMrrChurnRate, netMrrChurnRate, quickRatio, subscriberChurnRate } from './rates.ts';

describe('report rates', () => {
  it('subscriber churn rate = churned ÷ (accounts at start + new)', () => {
    expect(subscriberChurnRate({ churnedAccounts: 3, accountsAtStart: 50, newAccounts: 10 })).toBe(0.05);
    expect(subscriberChurnRate({ churnedAccounts: 0, accountsAtStart: 0, newAccounts: 0 })).toBeNull();
  });

  it('gross MRR churn = −(churn + contraction) ÷ MRR at start, never negative', () => {
    expect(grossMrrChurnRate({ churn: -20000, contraction: -5000, mrrAtStart: 500000 })).toBe(0.05);
    expect(grossMrrChurnRate({ churn: 0, contraction: 0, mrrAtStart: 500000 })).toBe(0);
    expect(Object.is(grossMrrChurnRate({ churn: 0, contraction: 0, mrrAtStart: 1 }), 0)).toBe(true);
    expect(grossMrrChurnRate({ churn: -100, contraction: 0, mrrAtStart: 0 })).toBeNull();
  });

  it('net MRR churn below 0 means net expansion', () => {
    expect(
      netMrrChurnRate({
        churn: -10000,
        contraction: 0,
        expansion: 30000,
        reactivation: 0,
        mrrAtStart: 100000,
      }),
    ).toBe(-0.2);
    expect(
      netMrrChurnRate({
        churn: -10000,
        contraction: -5000,
        expansion: 5000,
        reactivation: 0,
        mrrAtStart: 100000,
      }),
    ).toBe(0.1);
    expect(
      netMrrChurnRate({ churn: 0, contraction: 0, expansion: 0, reactivation: 0, mrrAtStart: 0 }),
    ).toBeNull();
  });

  it('ARPA = MRR ÷ accounts with MRR, as whole minor units (half-to-even)', () => {
    expect(arpa({ mrr: 100000, accountsWithMrr: 3 })).toBe(33333);
    expect(arpa({ mrr: 5, accountsWithMrr: 2 })).toBe(2);
    expect(arpa({ mrr: 0, accountsWithMrr: 0 })).toBeNull();
  });

  it('quick ratio = (new + expansion + reactivation) ÷ |contraction + churn|', () => {
    expect(
      quickRatio({ new: 30000, expansion: 10000, reactivation: 0, contraction: -5000, churn: -15000 }),
    ).toBe(2);
    expect(quickRatio({ new: 30000, expansion: 0, reactivation: 0, contraction: 0, churn: 0 })).toBeNull();
    expect(quickRatio({ new: 0, expansion: 0, reactivation: 0, contraction: 0, churn: 0 })).toBeNull();
  });
});
