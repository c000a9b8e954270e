import { describe, expect, it } from 'vitest';
import { utc } from './dates.ts';
import { type BillingHealthInput, billingHealth } from './health.ts';
import { dailyMovement } from './movements.ts';
import { accountMrr, subscriptionMrr } from './mrr.ts';
import { card, charge, dispute, invoice, item, subscription } from './test-builders.ts';

const NOW = utc(2026, 3, 20, 12);
const DAY = 86_400;

/** A paying, healthy account; each test changes one thing. */
function account(overrides: Partial<BillingHealthInput> = {}): BillingHealthInput {
  return {
    customerIds: ['cus_1'],
    subscriptions: [subscription({ id: 'sub_pro', items: [item({ unitAmountDecimal: '3000' })] })],
    invoices: [invoice({ id: 'in_paid', status: 'paid', paidAt: NOW - 5 * DAY })],
    charges: [charge({ status: 'succeeded', created: NOW - 5 * DAY })],
    disputes: [],
    paymentMethods: [card({ id: 'pm_ok' })],
    mrrHistory: {
      currency: 'usd',
      points: [
        { at: NOW - 40 * DAY, mrr: 3000 },
        { at: NOW - DAY, mrr: 3000 },
      ],
    },
    ...overrides,
  };
}

const codes = (input: BillingHealthInput, now = NOW) => billingHealth(input, now).reasons.map((r) => r.code);

describe('worked example 10: past_due then unpaid', () => {
  const pastDue = subscription({
    id: 'sub_1',
    status: 'past_due',
    items: [item({ unitAmountDecimal: '5000' })],
  });
  const failedInvoice = invoice({
    id: 'in_1',
    status: 'open',
    subscriptionId: 'sub_1',
    amountDue: 5000,
    amountRemaining: 5000,
    attemptCount: 2,
    firstFailedAt: NOW - 4 * DAY,
    nextPaymentAttempt: NOW + 3 * DAY,
  });

  it('a past_due subscription keeps its MRR and makes the account at_risk', () => {
    expect(subscriptionMrr(pastDue, NOW).mrr).toBe(5000);
    const h = billingHealth(account({ subscriptions: [pastDue], invoices: [failedInvoice] }), NOW);
    expect(h.health).toBe('at_risk');
    expect(h.reasons).toEqual([
      {
        code: 'payment_failed',
        message:
          'Payment of $50.00 for invoice in_1 failed (2 attempts, first on 16 Mar 2026); next retry 23 Mar 2026',
        evidence: expect.objectContaining({
          invoiceId: 'in_1',
          attemptCount: 2,
          amountRemaining: 5000,
          currency: 'usd',
        }),
      },
    ]);
  });

  it('also at_risk from the subscription status alone when no open invoice is known', () => {
    const h = billingHealth(account({ subscriptions: [pastDue], invoices: [] }), NOW);
    expect(h).toMatchObject({
      health: 'at_risk',
      reasons: [{ code: 'past_due', evidence: { subscriptionId: 'sub_1' } }],
    });
  });

  it('when it becomes unpaid its MRR drops to 0 (churn, as the only one) and health is delinquent', () => {
    const unpaid = { ...pastDue, status: 'unpaid' as const };
    const before = accountMrr([pastDue], NOW);
    const after = accountMrr([unpaid], NOW + DAY);
    expect(after).toEqual({});
    const fx = { date: '2026-03-21', rates: {} };
    expect(
      dailyMovement(before, after, true, { previous: fx, current: fx, reportingCurrency: 'usd' }),
    ).toMatchObject({
      kind: 'churn',
      amount: -5000,
    });
    const h = billingHealth(account({ subscriptions: [unpaid], invoices: [failedInvoice] }), NOW + DAY);
    expect(h.health).toBe('delinquent');
    expect(h.reasons).toEqual([
      expect.objectContaining({ code: 'unpaid', evidence: { subscriptionId: 'sub_1', status: 'unpaid' } }),
    ]);
  });
});

describe('no_billing', () => {
  it('no linked customer: no_customer (and no_subscription)', () => {
    const h = billingHealth(account({ customerIds: [], subscriptions: [] }), NOW);
    expect(h.health).toBe('no_billing');
    expect(h.reasons.map((r) => r.code)).toEqual(['no_customer', 'no_subscription']);
  });
  it('a customer but no subscription ever: no_subscription, even with failed charges', () => {
    const h = billingHealth(
      account({ subscriptions: [], charges: [charge({ status: 'failed', created: NOW - DAY })] }),
      NOW,
    );
    expect(h).toMatchObject({
      health: 'no_billing',
      reasons: [{ code: 'no_subscription', evidence: { customerIds: ['cus_1'] } }],
    });
  });
});

describe('churned', () => {
  const ended = [
    subscription({ id: 'sub_a', status: 'canceled', endedAt: NOW - 10 * DAY }),
    subscription({ id: 'sub_b', status: 'incomplete_expired' }),
  ];
  it('had MRR before and every subscription has ended: all_subscriptions_ended, winning over delinquent', () => {
    const h = billingHealth(
      account({
        subscriptions: ended,
        invoices: [invoice({ status: 'uncollectible' })],
        mrrHistory: {
          currency: 'usd',
          points: [
            { at: NOW - 20 * DAY, mrr: 20000 },
            { at: NOW - DAY, mrr: 0 },
          ],
        },
      }),
      NOW,
    );
    expect(h.health).toBe('churned');
    expect(h.reasons).toHaveLength(1);
    expect(h.reasons[0]).toMatchObject({
      code: 'all_subscriptions_ended',
      message: 'Every subscription has ended (2 subscriptions, the last on 10 Mar 2026); MRR was $200.00',
      evidence: { mrrBefore: 20000, mrrAfter: 0, lastEndedAt: NOW - 10 * DAY },
    });
  });
  it('is not churned when the account never had MRR (e.g. only an abandoned checkout)', () => {
    expect(
      billingHealth(account({ subscriptions: ended, mrrHistory: { currency: 'usd', points: [] } }), NOW)
        .health,
    ).toBe('healthy');
    expect(
      billingHealth(account({ subscriptions: ended, mrrHistory: null, everHadMrr: true }), NOW).health,
    ).toBe('churned');
  });
});

describe('delinquent', () => {
  it('uncollectible invoice: unpaid with the invoice id and amount', () => {
    const h = billingHealth(
      account({
        invoices: [invoice({ id: 'in_x', status: 'uncollectible', amountDue: 9000, attemptCount: 4 })],
      }),
      NOW,
    );
    expect(h).toMatchObject({
      health: 'delinquent',
      reasons: [
        {
          code: 'unpaid',
          message: 'Invoice in_x for $90.00 was marked uncollectible',
          evidence: { invoiceId: 'in_x', attemptCount: 4 },
        },
      ],
    });
  });

  it('more than 30 days past due: days_past_due, and not at 30', () => {
    const late = (days: number) =>
      invoice({
        id: 'in_late',
        status: 'open',
        collectionMethod: 'send_invoice',
        dueDate: NOW - days * DAY,
        amountRemaining: 12000,
        attemptCount: 0,
      });
    const h = billingHealth(account({ invoices: [late(31)] }), NOW);
    expect(h.health).toBe('delinquent');
    expect(h.reasons).toEqual([
      expect.objectContaining({
        code: 'days_past_due',
        message: expect.stringContaining('Invoice in_late for $120.00 is 31 days past due (more than 30)'),
        evidence: expect.objectContaining({
          invoiceId: 'in_late',
          daysPastDue: 31,
          thresholdDays: 30,
          attemptCount: 0,
          amountRemaining: 12000,
        }),
      }),
    ]);
    expect(billingHealth(account({ invoices: [late(30)] }), NOW).health).toBe('at_risk');
    expect(billingHealth(account({ invoices: [late(30)] }), NOW, { delinquentDaysPastDue: 14 }).health).toBe(
      'delinquent',
    );
  });

  it('a dispute lost in the last 90 days: dispute_lost; an older loss does not count', () => {
    const lost = dispute({
      id: 'dp_lost',
      status: 'lost',
      created: NOW - 100 * DAY,
      closedAt: NOW - 60 * DAY,
      amount: 5000,
    });
    expect(billingHealth(account({ disputes: [lost] }), NOW)).toMatchObject({
      health: 'delinquent',
      reasons: [
        {
          code: 'dispute_lost',
          message: 'Dispute dp_lost on $50.00 was lost on 19 Jan 2026 (fraudulent)',
          evidence: { disputeId: 'dp_lost' },
        },
      ],
    });
    expect(billingHealth(account({ disputes: [{ ...lost, closedAt: NOW - 91 * DAY }] }), NOW).health).toBe(
      'healthy',
    );
  });

  it('collects every delinquent reason, and none of the at_risk ones', () => {
    expect(
      codes(
        account({
          subscriptions: [subscription({ status: 'unpaid' }), subscription({ cancelAtPeriodEnd: true })],
          disputes: [dispute({ status: 'lost', closedAt: NOW - DAY }), dispute({ status: 'needs_response' })],
        }),
      ),
    ).toEqual(['unpaid', 'dispute_lost']);
  });
});

describe('at_risk', () => {
  it('open invoice past its due date: past_due', () => {
    const inv = invoice({
      id: 'in_due',
      status: 'open',
      collectionMethod: 'send_invoice',
      dueDate: utc(2026, 3, 8),
      amountRemaining: 9000,
    });
    expect(billingHealth(account({ invoices: [inv] }), NOW).reasons).toEqual([
      expect.objectContaining({
        code: 'past_due',
        message: 'Invoice in_due for $90.00 is 12 days past its due date (8 Mar 2026)',
      }),
    ]);
  });

  it('failed payment with no retry left says so', () => {
    const inv = invoice({
      id: 'in_f',
      status: 'open',
      currency: 'eur',
      amountRemaining: 4500,
      attemptCount: 4,
      firstFailedAt: utc(2026, 3, 1),
      nextPaymentAttempt: null,
    });
    expect(billingHealth(account({ invoices: [inv] }), NOW).reasons[0]!.message).toBe(
      'Payment of €45.00 for invoice in_f failed (4 attempts, first on 1 Mar 2026); no retry scheduled',
    );
  });

  it.each(['needs_response', 'warning_needs_response', 'under_review', 'warning_under_review'] as const)(
    'open dispute (%s): dispute_open with id and due_by',
    (status) => {
      const dp = dispute({ id: 'dp_open', status, dueBy: utc(2026, 4, 3), amount: 5000 });
      expect(billingHealth(account({ disputes: [dp] }), NOW)).toMatchObject({
        health: 'at_risk',
        reasons: [
          { code: 'dispute_open', evidence: { disputeId: 'dp_open', dueBy: utc(2026, 4, 3), status } },
        ],
      });
    },
  );

  it('won, warning_closed and prevented disputes are not a risk', () => {
    for (const status of ['won', 'warning_closed', 'prevented'] as const) {
      expect(billingHealth(account({ disputes: [dispute({ status })] }), NOW).health).toBe('healthy');
    }
  });

  it('scheduled cancellation: cancellation_scheduled with the MRR that ends', () => {
    const sub = subscription({
      id: 'sub_c',
      cancelAt: utc(2026, 4, 30),
      items: [item({ unitAmountDecimal: '20000' })],
    });
    expect(billingHealth(account({ subscriptions: [sub] }), NOW).reasons).toEqual([
      {
        code: 'cancellation_scheduled',
        message: 'Subscription sub_c is set to cancel on 30 Apr 2026; $200.00/month MRR ends then',
        evidence: {
          subscriptionId: 'sub_c',
          cancelAt: utc(2026, 4, 30),
          cancelAtPeriodEnd: false,
          scheduledChurnMrr: 20000,
          currency: 'usd',
        },
      },
    ]);
  });

  it('default card expired: card_expired with payment method id and expiry', () => {
    const pm = card({ id: 'pm_old', expMonth: 2, expYear: 2026 });
    expect(billingHealth(account({ paymentMethods: [pm] }), NOW)).toMatchObject({
      health: 'at_risk',
      reasons: [
        {
          code: 'card_expired',
          message: 'Default card visa ending 4242 has expired (exp 02/2026)',
          evidence: { paymentMethodId: 'pm_old', expMonth: 2, expYear: 2026 },
        },
      ],
    });
  });

  it('default card expiring within 30 days: card_expiring; a non-default or later card is fine', () => {
    // exp 03/2026 works until 1 Apr 2026 00:00 UTC, 11.5 days after NOW.
    expect(codes(account({ paymentMethods: [card({ expMonth: 3, expYear: 2026 })] }))).toEqual([
      'card_expiring',
    ]);
    expect(
      codes(account({ paymentMethods: [card({ expMonth: 3, expYear: 2026, isDefault: false })] })),
    ).toEqual(['healthy']);
    expect(codes(account({ paymentMethods: [card({ expMonth: 5, expYear: 2026 })] }))).toEqual(['healthy']);
    expect(
      codes(account({ paymentMethods: [card({ expMonth: 3, expYear: 2026 })] }), utc(2026, 4, 1)),
    ).toEqual(['card_expired']);
  });

  it('a failed charge in the last 7 days: charge_failed_recently with the decline reason', () => {
    const failed = charge({
      id: 'ch_f',
      status: 'failed',
      created: utc(2026, 3, 18),
      amount: 4500,
      currency: 'eur',
      failureCode: 'card_declined',
      outcomeReason: 'insufficient_funds',
    });
    expect(billingHealth(account({ charges: [failed] }), NOW).reasons).toEqual([
      expect.objectContaining({
        code: 'charge_failed_recently',
        message: 'Charge ch_f of €45.00 failed on 18 Mar 2026: card declined (insufficient funds)',
      }),
    ]);
    expect(codes(account({ charges: [{ ...failed, created: NOW - 7 * DAY }] }))).toEqual(['healthy']);
  });

  it('MRR fell by more than 20% in 30 days: mrr_drop with before and after; exactly 20% is not', () => {
    const history = (after: number) => ({
      currency: 'usd',
      points: [
        { at: NOW - 45 * DAY, mrr: 10000 },
        { at: NOW - 31 * DAY, mrr: 10000 },
        { at: NOW - 10 * DAY, mrr: after },
      ],
    });
    expect(billingHealth(account({ mrrHistory: history(7500) }), NOW).reasons).toEqual([
      {
        code: 'mrr_drop',
        message: 'MRR fell 25% in the last 30 days, from $100.00 to $75.00',
        evidence: expect.objectContaining({ mrrBefore: 10000, mrrAfter: 7500, currency: 'usd' }),
      },
    ]);
    expect(codes(account({ mrrHistory: history(8000) }))).toEqual(['healthy']);
  });

  it('a trial ending within 7 days with no payment method: trial_ending_no_payment_method', () => {
    const trial = subscription({ id: 'sub_t', status: 'trialing', trialEnd: NOW + 5 * DAY });
    expect(billingHealth(account({ subscriptions: [trial], paymentMethods: [] }), NOW)).toMatchObject({
      health: 'at_risk',
      reasons: [
        {
          code: 'trial_ending_no_payment_method',
          evidence: { subscriptionId: 'sub_t', trialEnd: NOW + 5 * DAY },
        },
      ],
    });
    expect(billingHealth(account({ subscriptions: [trial] }), NOW).health).toBe('trialing');
    expect(
      billingHealth(
        account({ subscriptions: [{ ...trial, trialEnd: NOW + 8 * DAY }], paymentMethods: [] }),
        NOW,
      ).health,
    ).toBe('trialing');
  });

  it('collects all matching at_risk reasons', () => {
    expect(
      codes(
        account({
          subscriptions: [subscription({ cancelAtPeriodEnd: true })],
          disputes: [dispute({ status: 'under_review' })],
          paymentMethods: [card({ expMonth: 1, expYear: 2026 })],
          charges: [charge({ status: 'failed', created: NOW - DAY })],
        }),
      ),
    ).toEqual(['dispute_open', 'cancellation_scheduled', 'card_expired', 'charge_failed_recently']);
  });
});

describe('trialing and healthy', () => {
  it('only trialing subscriptions: trialing', () => {
    const h = billingHealth(
      account({
        subscriptions: [subscription({ id: 'sub_t', status: 'trialing', trialEnd: utc(2026, 4, 15) })],
      }),
      NOW,
    );
    expect(h).toMatchObject({
      health: 'trialing',
      reasons: [{ code: 'trialing', message: 'Subscription sub_t is in trial until 15 Apr 2026' }],
    });
  });
  it('a trial next to a paying subscription is healthy', () => {
    expect(
      billingHealth(account({ subscriptions: [subscription({ status: 'trialing' }), subscription()] }), NOW)
        .health,
    ).toBe('healthy');
  });
  it('everything else is healthy, with a reason saying so', () => {
    expect(billingHealth(account(), NOW)).toMatchObject({
      health: 'healthy',
      reasons: [{ code: 'healthy', evidence: { subscriptionIds: ['sub_pro'], paymentStatus: 'current' } }],
    });
  });
});
