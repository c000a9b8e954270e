// Billing health of an account (billing-metrics.md, "Billing health of an account").
// The levels are checked in the doc's order and the first level with any matching rule wins; every
// matching rule of that level contributes its reasons, each naming the objects and figures behind it.

import { formatDate } from './dates.ts';
import { formatMoney } from './money.ts';
import { subscriptionMrr } from './mrr.ts';
import { DAY_SECONDS, type PaymentStatus, paymentStatus } from './payment-status.ts';
import type {
  BillingCharge,
  BillingDispute,
  BillingInvoice,
  BillingPaymentMethod,
  BillingSubscription,
  MrrHistory,
  Reason,
} from './types.ts';
import { failureText, humanise, plural } from './words.ts';

export type Health = 'no_billing' | 'churned' | 'delinquent' | 'at_risk' | 'trialing' | 'healthy';

export interface BillingHealthInput {
  /** the Stripe customers linked to the account */
  customerIds: readonly string[];
  /** every subscription of those customers, including ended ones */
  subscriptions: readonly BillingSubscription[];
  invoices: readonly BillingInvoice[];
  charges: readonly BillingCharge[];
  disputes: readonly BillingDispute[];
  paymentMethods: readonly BillingPaymentMethod[];
  /** the account's daily MRR in the reporting currency (for churned and mrr_drop) */
  mrrHistory?: MrrHistory | null;
  /** the account had MRR > 0 at some time before now, if known beyond mrrHistory */
  everHadMrr?: boolean;
}

export interface HealthSettings {
  /** delinquent when days past due exceed this */
  delinquentDaysPastDue: number;
  /** at_risk when the default card expires within this many days */
  cardExpiryWarningDays: number;
  /** delinquent when a dispute was lost within this many days */
  disputeLostWindowDays: number;
  /** at_risk when a charge failed within this many days */
  failedChargeWindowDays: number;
  /** at_risk when MRR fell by more than this percentage… */
  mrrDropPercent: number;
  /** …over this many days */
  mrrDropWindowDays: number;
  /** at_risk when a trial ends within this many days and there is no payment method */
  trialEndingWindowDays: number;
  /** locale for amounts in messages */
  locale: string;
}

export const DEFAULT_HEALTH_SETTINGS: HealthSettings = {
  delinquentDaysPastDue: 30,
  cardExpiryWarningDays: 30,
  disputeLostWindowDays: 90,
  failedChargeWindowDays: 7,
  mrrDropPercent: 20,
  mrrDropWindowDays: 30,
  trialEndingWindowDays: 7,
  locale: 'en-US',
};

export interface BillingHealth {
  health: Health;
  reasons: Reason[];
}

const ENDED: ReadonlySet<string> = new Set(['canceled', 'incomplete_expired']);
const OPEN_DISPUTE: ReadonlySet<string> = new Set([
  'needs_response',
  'warning_needs_response',
  'under_review',
  'warning_under_review',
]);

interface Context {
  input: BillingHealthInput;
  now: number;
  s: HealthSettings;
  payment: PaymentStatus;
  money: (minor: number, currency: string) => string;
}

export function billingHealth(
  input: BillingHealthInput,
  now: number,
  settings: Partial<HealthSettings> = {},
): BillingHealth {
  const s = { ...DEFAULT_HEALTH_SETTINGS, ...settings };
  const ctx: Context = {
    input,
    now,
    s,
    payment: paymentStatus(input, now),
    money: (minor, currency) => formatMoney(minor, currency, s.locale),
  };
  const levels: [Health, (c: Context) => Reason[]][] = [
    ['no_billing', noBillingReasons],
    ['churned', churnedReasons],
    ['delinquent', delinquentReasons],
    ['at_risk', atRiskReasons],
    ['trialing', trialingReasons],
  ];
  for (const [health, rules] of levels) {
    const reasons = rules(ctx);
    if (reasons.length > 0) return { health, reasons };
  }
  return { health: 'healthy', reasons: [healthyReason(ctx)] };
}

function noBillingReasons({ input }: Context): Reason[] {
  const reasons: Reason[] = [];
  if (input.customerIds.length === 0) {
    reasons.push({
      code: 'no_customer',
      message: 'No Stripe customer is linked to this account',
      evidence: {},
    });
  }
  if (input.subscriptions.length === 0) {
    reasons.push({
      code: 'no_subscription',
      message: 'No subscription has ever been created for the linked Stripe customers',
      evidence: { customerIds: [...input.customerIds] },
    });
  }
  return reasons;
}

function lastPositiveMrr(history: MrrHistory | null | undefined, now: number) {
  const points = (history?.points ?? []).filter((p) => p.at <= now && p.mrr > 0);
  return points.reduce<(typeof points)[number] | null>(
    (best, p) => (best && best.at >= p.at ? best : p),
    null,
  );
}

function churnedReasons({ input, now, money }: Context): Reason[] {
  const subs = input.subscriptions;
  if (!subs.every((sub) => ENDED.has(sub.status))) return [];
  const last = lastPositiveMrr(input.mrrHistory, now);
  if (!input.everHadMrr && !last) return [];
  const endedAt = subs.map((sub) => sub.endedAt).filter((t): t is number => t !== null);
  const lastEnd = endedAt.length > 0 ? Math.max(...endedAt) : null;
  const was = last && input.mrrHistory ? `; MRR was ${money(last.mrr, input.mrrHistory.currency)}` : '';
  return [
    {
      code: 'all_subscriptions_ended',
      message: `Every subscription has ended (${plural(subs.length, 'subscription')}${
        lastEnd !== null ? `, the last on ${formatDate(lastEnd)}` : ''
      })${was}`,
      evidence: {
        subscriptions: subs.map((sub) => ({ id: sub.id, status: sub.status, endedAt: sub.endedAt })),
        lastEndedAt: lastEnd,
        mrrBefore: last?.mrr ?? null,
        mrrBeforeAt: last?.at ?? null,
        mrrAfter: 0,
        currency: input.mrrHistory?.currency ?? null,
      },
    },
  ];
}

function invoiceById(input: BillingHealthInput, id: string): BillingInvoice | undefined {
  return input.invoices.find((i) => i.id === id);
}

function delinquentReasons({ input, now, s, payment, money }: Context): Reason[] {
  const reasons: Reason[] = [];
  for (const id of payment.unpaidSubscriptionIds) {
    reasons.push({
      code: 'unpaid',
      message: `Subscription ${id} is unpaid: Stripe stopped retrying and it no longer bills`,
      evidence: { subscriptionId: id, status: 'unpaid' },
    });
  }
  for (const id of payment.uncollectibleInvoiceIds) {
    const inv = invoiceById(input, id)!;
    reasons.push({
      code: 'unpaid',
      message: `Invoice ${id} for ${money(inv.amountDue, inv.currency)} was marked uncollectible`,
      evidence: {
        invoiceId: id,
        status: 'uncollectible',
        amountDue: inv.amountDue,
        amountRemaining: inv.amountRemaining,
        currency: inv.currency,
        attemptCount: inv.attemptCount,
      },
    });
  }
  if (payment.daysPastDue > s.delinquentDaysPastDue) {
    const d = payment.delinquentInvoices.find((x) => x.invoiceId === payment.daysPastDueInvoiceId)!;
    const since = d.pastDueDate ? `its due date (${formatDate(d.dueDate!)})` : `the first failed payment`;
    reasons.push({
      code: 'days_past_due',
      message: `Invoice ${d.invoiceId} for ${money(d.amountRemaining, d.currency)} is ${plural(
        payment.daysPastDue,
        'day',
      )} past due (more than ${s.delinquentDaysPastDue}), counted from ${since}; ${plural(d.attemptCount, 'payment attempt')}`,
      evidence: {
        invoiceId: d.invoiceId,
        attemptCount: d.attemptCount,
        amountRemaining: d.amountRemaining,
        currency: d.currency,
        daysPastDue: payment.daysPastDue,
        thresholdDays: s.delinquentDaysPastDue,
        dueDate: d.dueDate,
        firstFailedAt: d.firstFailedAt,
      },
    });
  }
  const lostSince = now - s.disputeLostWindowDays * DAY_SECONDS;
  for (const dp of input.disputes) {
    const lostAt = dp.closedAt ?? dp.created;
    if (dp.status !== 'lost' || lostAt <= lostSince || lostAt > now) continue;
    reasons.push({
      code: 'dispute_lost',
      message: `Dispute ${dp.id} on ${money(dp.amount, dp.currency)} was lost${
        dp.closedAt !== null ? ` on ${formatDate(dp.closedAt)}` : ''
      }${dp.reason ? ` (${humanise(dp.reason)})` : ''}`,
      evidence: {
        disputeId: dp.id,
        status: dp.status,
        amount: dp.amount,
        currency: dp.currency,
        closedAt: dp.closedAt,
        created: dp.created,
        chargeId: dp.chargeId ?? null,
      },
    });
  }
  return reasons;
}

function atRiskReasons(ctx: Context): Reason[] {
  return [
    ...pastDueReasons(ctx),
    ...openDisputeReasons(ctx),
    ...cancellationReasons(ctx),
    ...cardReasons(ctx),
    ...failedChargeReasons(ctx),
    ...mrrDropReasons(ctx),
    ...trialEndingReasons(ctx),
  ];
}

function pastDueReasons({ input, payment, money }: Context): Reason[] {
  const reasons: Reason[] = [];
  for (const d of payment.delinquentInvoices) {
    const evidence = {
      invoiceId: d.invoiceId,
      subscriptionId: d.subscriptionId,
      attemptCount: d.attemptCount,
      amountRemaining: d.amountRemaining,
      currency: d.currency,
      daysPastDue: d.daysPastDue,
      nextPaymentAttempt: d.nextPaymentAttempt,
      dueDate: d.dueDate,
      firstFailedAt: d.firstFailedAt,
      failedChargeIds: d.failedChargeIds,
    };
    if (d.firstFailedAt !== null) {
      const retry =
        d.nextPaymentAttempt !== null
          ? `next retry ${formatDate(d.nextPaymentAttempt)}`
          : 'no retry scheduled';
      reasons.push({
        code: 'payment_failed',
        message: `Payment of ${money(d.amountRemaining, d.currency)} for invoice ${d.invoiceId} failed (${plural(
          d.attemptCount,
          'attempt',
        )}, first on ${formatDate(d.firstFailedAt)}); ${retry}`,
        evidence,
      });
    }
    if (d.pastDueDate) {
      reasons.push({
        code: 'past_due',
        message: `Invoice ${d.invoiceId} for ${money(d.amountRemaining, d.currency)} is ${plural(
          d.daysPastDue,
          'day',
        )} past its due date (${formatDate(d.dueDate!)})`,
        evidence,
      });
    }
  }
  // A subscription Stripe itself marks past_due, when no open invoice above already explains it.
  const explained = new Set(payment.delinquentInvoices.map((d) => d.subscriptionId));
  for (const sub of input.subscriptions) {
    if (sub.status !== 'past_due' || explained.has(sub.id)) continue;
    reasons.push({
      code: 'past_due',
      message: `Subscription ${sub.id} is past due: its latest invoice has not been paid`,
      evidence: { subscriptionId: sub.id, status: sub.status },
    });
  }
  return reasons;
}

function openDisputeReasons({ input, now, money }: Context): Reason[] {
  return input.disputes
    .filter((dp) => OPEN_DISPUTE.has(dp.status) && dp.created <= now)
    .map((dp) => ({
      code: 'dispute_open',
      message: `Dispute ${dp.id} on ${money(dp.amount, dp.currency)} is open (${humanise(dp.status)}${
        dp.reason ? `, ${humanise(dp.reason)}` : ''
      })${dp.dueBy !== null ? `; respond by ${formatDate(dp.dueBy)}` : ''}`,
      evidence: {
        disputeId: dp.id,
        status: dp.status,
        amount: dp.amount,
        currency: dp.currency,
        dueBy: dp.dueBy,
        reason: dp.reason ?? null,
        chargeId: dp.chargeId ?? null,
      },
    }));
}

function cancellationReasons({ input, now, money }: Context): Reason[] {
  const reasons: Reason[] = [];
  for (const sub of input.subscriptions) {
    if (ENDED.has(sub.status) || !(sub.cancelAtPeriodEnd || sub.cancelAt !== null)) continue;
    const m = subscriptionMrr(sub, now);
    const when =
      sub.cancelAt !== null ? `on ${formatDate(sub.cancelAt)}` : 'at the end of its current period';
    reasons.push({
      code: 'cancellation_scheduled',
      message: `Subscription ${sub.id} is set to cancel ${when}; ${money(m.scheduledChurnMrr, m.currency)}/month MRR ends then`,
      evidence: {
        subscriptionId: sub.id,
        cancelAt: sub.cancelAt,
        cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
        scheduledChurnMrr: m.scheduledChurnMrr,
        currency: m.currency,
      },
    });
  }
  return reasons;
}

/** Start of the month after the card's expiry month (UTC): the first moment it no longer works. */
export function cardExpiresAt(expMonth: number, expYear: number): number {
  return Date.UTC(expYear, expMonth, 1) / 1000;
}

function cardReasons({ input, now, s }: Context): Reason[] {
  const reasons: Reason[] = [];
  for (const pm of input.paymentMethods) {
    if (!pm.isDefault || pm.expMonth === null || pm.expYear === null) continue;
    const expiresAt = cardExpiresAt(pm.expMonth, pm.expYear);
    const exp = `${String(pm.expMonth).padStart(2, '0')}/${pm.expYear}`;
    const card = `Default card ${pm.brand ?? 'card'}${pm.last4 ? ` ending ${pm.last4}` : ''}`;
    const evidence = {
      paymentMethodId: pm.id,
      brand: pm.brand,
      last4: pm.last4,
      expMonth: pm.expMonth,
      expYear: pm.expYear,
    };
    if (now >= expiresAt) {
      reasons.push({ code: 'card_expired', message: `${card} has expired (exp ${exp})`, evidence });
    } else if (expiresAt - now <= s.cardExpiryWarningDays * DAY_SECONDS) {
      const days = Math.ceil((expiresAt - now) / DAY_SECONDS);
      reasons.push({
        code: 'card_expiring',
        message: `${card} expires at the end of ${exp}, in ${plural(days, 'day')}`,
        evidence: { ...evidence, daysUntilExpiry: days },
      });
    }
  }
  return reasons;
}

function failedChargeReasons({ input, now, s, money }: Context): Reason[] {
  const since = now - s.failedChargeWindowDays * DAY_SECONDS;
  return input.charges
    .filter((c) => c.status === 'failed' && c.created > since && c.created <= now)
    .sort((a, b) => a.created - b.created)
    .map((c) => ({
      code: 'charge_failed_recently',
      message: `Charge ${c.id} of ${money(c.amount, c.currency)} failed on ${formatDate(c.created)}: ${failureText(
        {
          failureCode: c.failureCode,
          declineCode: c.outcomeReason,
          failureMessage: c.failureMessage,
        },
      )}`,
      evidence: {
        chargeId: c.id,
        amount: c.amount,
        currency: c.currency,
        created: c.created,
        failureCode: c.failureCode,
        outcomeReason: c.outcomeReason,
        invoiceId: c.invoiceId,
      },
    }));
}

function mrrDropReasons({ input, now, s, money }: Context): Reason[] {
  const history = input.mrrHistory;
  if (!history) return [];
  const points = history.points.filter((p) => p.at <= now).sort((a, b) => a.at - b.at);
  const after = points[points.length - 1];
  const windowStart = now - s.mrrDropWindowDays * DAY_SECONDS;
  // Baseline: the MRR in force when the window opened, else the first point inside the window.
  const before = points.filter((p) => p.at <= windowStart).pop() ?? points[0];
  if (!after || !before || before === after || before.mrr <= 0) return [];
  // drop/before > pct/100, compared in integers.
  if ((before.mrr - after.mrr) * 100 <= before.mrr * s.mrrDropPercent) return [];
  const dropPercent = Math.round(((before.mrr - after.mrr) * 1000) / before.mrr) / 10;
  return [
    {
      code: 'mrr_drop',
      message: `MRR fell ${dropPercent}% in the last ${s.mrrDropWindowDays} days, from ${money(
        before.mrr,
        history.currency,
      )} to ${money(after.mrr, history.currency)}`,
      evidence: {
        mrrBefore: before.mrr,
        mrrAfter: after.mrr,
        currency: history.currency,
        beforeAt: before.at,
        afterAt: after.at,
        dropPercent,
        thresholdPercent: s.mrrDropPercent,
      },
    },
  ];
}

function trialEndingReasons({ input, now, s }: Context): Reason[] {
  if (input.paymentMethods.length > 0) return [];
  const until = now + s.trialEndingWindowDays * DAY_SECONDS;
  return input.subscriptions
    .filter(
      (sub) =>
        sub.status === 'trialing' && sub.trialEnd !== null && sub.trialEnd > now && sub.trialEnd <= until,
    )
    .map((sub) => ({
      code: 'trial_ending_no_payment_method',
      message: `Trial of subscription ${sub.id} ends on ${formatDate(sub.trialEnd!)} and no payment method is on file`,
      evidence: { subscriptionId: sub.id, trialEnd: sub.trialEnd, paymentMethods: 0 },
    }));
}

function trialingReasons({ input }: Context): Reason[] {
  const live = input.subscriptions.filter((sub) => !ENDED.has(sub.status));
  if (live.length === 0 || !live.every((sub) => sub.status === 'trialing')) return [];
  return live.map((sub) => ({
    code: 'trialing',
    message: `Subscription ${sub.id} is in trial${sub.trialEnd !== null ? ` until ${formatDate(sub.trialEnd)}` : ''}`,
    evidence: { subscriptionId: sub.id, trialEnd: sub.trialEnd },
  }));
}

function healthyReason({ input, now, payment }: Context): Reason {
  const paying = input.subscriptions.filter((sub) => subscriptionMrr(sub, now).mrr > 0);
  return {
    code: 'healthy',
    message: `No billing problems found: ${plural(paying.length, 'paying subscription')}, payments current`,
    evidence: {
      subscriptionIds: paying.map((sub) => sub.id),
      paymentStatus: payment.status,
      lastSuccessfulPaymentAt: payment.lastSuccessfulPaymentAt,
    },
  };
}
