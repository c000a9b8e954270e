// The at_risk rules of billing health, one function per rule, each returning its reasons.

import { formatDate } from './dates.ts';
import { type HealthContext as Context, ENDED, OPEN_DISPUTE } from './health-settings.ts';
import { subscriptionMrr } from './mrr.ts';
import { DAY_SECONDS } from './payment-status.ts';
import type { Reason } from './types.ts';
import { failureText, humanise, plural } from './words.ts';

export function atRiskReasons(ctx: Context): Reason[] {
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
