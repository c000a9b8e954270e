// The account page: the summary plus the Stripe objects behind it, read from the store.

import { formatMoney } from '../billing/money.ts';
import { subscriptionMrr } from '../billing/mrr.ts';
import type { Queryable } from '../db/client.ts';
import { str, subscriptionPeriodEnd } from '../stripe/readers.ts';
import { loadAccountInputs } from './load-inputs.ts';
import { type AccountSummary, getAccountSummary } from './summaries.ts';

const iso = (t: number | null) => (t === null ? null : new Date(t * 1000).toISOString());

export async function accountDetail(
  q: Queryable,
  workspaceId: string,
  id: string,
  now = Math.floor(Date.now() / 1000),
) {
  const found = await getAccountSummary(q, workspaceId, id);
  if (!found) return null;
  const inputs = (await loadAccountInputs(q, [id])).get(id)!;
  const summary: AccountSummary = found.summary;
  return {
    ...summary,
    reasons: found.reasons.map((r) => ({ code: r.code, message: r.message, evidence: r.evidence })),
    customers: inputs.customers.map((c) => ({ id: String(c.id), email: str(c.email), name: str(c.name) })),
    subscriptions: inputs.subscriptions.map((s, i) => {
      const m = subscriptionMrr(s, now);
      return {
        id: s.id,
        status: s.status,
        items: s.items.map((it) => ({
          price: it.price.id,
          product_name: it.price.productName ?? null,
          quantity: it.quantity,
          interval: it.price.interval,
        })),
        mrr: { amount: m.mrr, currency: m.currency, formatted: formatMoney(m.mrr, m.currency) },
        current_period_end: iso(subscriptionPeriodEnd(inputs.rawSubscriptions[i]!)),
        cancel_at_period_end: s.cancelAtPeriodEnd,
      };
    }),
    open_invoices: inputs.invoices
      .filter((inv) => inv.status === 'open')
      .sort((a, b) => a.created - b.created)
      .map((inv) => ({
        id: inv.id,
        amount_due: inv.amountDue,
        amount_remaining: inv.amountRemaining,
        currency: inv.currency,
        due_date: iso(inv.dueDate),
        attempt_count: inv.attemptCount,
        next_payment_attempt: iso(inv.nextPaymentAttempt),
        status: inv.status,
      })),
    recent_payments: inputs.charges
      .sort((a, b) => b.created - a.created)
      .slice(0, 20)
      .map((c) => ({
        id: c.id,
        amount: c.amount,
        currency: c.currency,
        status: c.status,
        failure_code: c.failureCode,
        failure_message: c.failureMessage,
        created: iso(c.created),
      })),
    cards: inputs.paymentMethods
      .filter((pm) => pm.last4 !== null || pm.brand !== null)
      .map((pm) => ({
        id: pm.id,
        brand: pm.brand,
        last4: pm.last4,
        exp_month: pm.expMonth,
        exp_year: pm.expYear,
        is_default: pm.isDefault,
      })),
  };
}
