// Billing health of an account (billing-metrics.md, "Billing health of an account").
// The levels are checked in the doc's order and the first level with any matching rule wins; every
// matching rule of that level contributes its reasons, each naming the objects and figures behind it.
// The at_risk rules live in health-risk.ts.

import { formatDate } from './dates.ts';
import { atRiskReasons } from './health-risk.ts';
import {
  type BillingHealth,
  type BillingHealthInput,
  type HealthContext as Context,
  DEFAULT_HEALTH_SETTINGS,
  ENDED,
  type Health,
  type HealthSettings,
} from './health-settings.ts';
import { formatMoney } from './money.ts';
import { subscriptionMrr } from './mrr.ts';
import { DAY_SECONDS, paymentStatus } from './payment-status.ts';
import type { BillingInvoice, MrrHistory, Reason } from './types.ts';
import { humanise, plural } from './words.ts';

export { cardExpiresAt } from './health-risk.ts';
export {
  type BillingHealth,
  type BillingHealthInput,
  DEFAULT_HEALTH_SETTINGS,
  type Health,
  type HealthSettings,
} from './health-settings.ts';

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
    payment: input.payment ?? paymentStatus(input, now),
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
