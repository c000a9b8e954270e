// Payment status of an account (billing-metrics.md, "Payment status of an account").

import type {
  BillingCharge,
  BillingInvoice,
  BillingSubscription,
  CollectionMethod,
  PerCurrency,
} from './types.ts';

export const DAY_SECONDS = 86_400;

export interface PaymentStatusInput {
  invoices: readonly BillingInvoice[];
  subscriptions: readonly BillingSubscription[];
  charges: readonly BillingCharge[];
}

/** An open invoice that makes the account past due, with the figures behind it. */
export interface DelinquentInvoice {
  invoiceId: string;
  subscriptionId: string | null;
  collectionMethod: CollectionMethod;
  created: number;
  amountDue: number;
  amountRemaining: number;
  currency: string;
  attemptCount: number;
  nextPaymentAttempt: number | null;
  dueDate: number | null;
  /** first failed payment attempt: the first invoice.payment_failed or failed charge for it */
  firstFailedAt: number | null;
  /** ids of the failed charges for this invoice, oldest first */
  failedChargeIds: string[];
  /** true for a send_invoice invoice whose due date has passed */
  pastDueDate: boolean;
  /** whole days since the clock started (due date, or first failure), 0 when it has not */
  daysPastDue: number;
}

export interface PaymentStatus {
  status: 'current' | 'past_due' | 'unpaid';
  /** send_invoice: days since the due date of the oldest open invoice past due; charge_automatically:
   * days since the first failed attempt of the oldest open invoice; the larger of the two */
  daysPastDue: number;
  /** the invoice that sets daysPastDue, null when none */
  daysPastDueInvoiceId: string | null;
  /** Σ amount_remaining of open invoices, per currency */
  openAmountDue: PerCurrency;
  /** failed charges in the 30 days up to now */
  failedPayments30d: number;
  lastSuccessfulPaymentAt: number | null;
  /** the earliest scheduled automatic retry of an open invoice */
  nextPaymentAttempt: number | null;
  /** the oldest open invoice (by creation), null when nothing is open */
  oldestOpenInvoiceId: string | null;
  /** open invoices with a failed attempt or past their due date, oldest first */
  delinquentInvoices: DelinquentInvoice[];
  unpaidSubscriptionIds: string[];
  uncollectibleInvoiceIds: string[];
}

export function wholeDaysBetween(from: number, to: number): number {
  return Math.max(0, Math.floor((to - from) / DAY_SECONDS));
}

function byAge(a: { created: number; id: string }, b: { created: number; id: string }): number {
  if (a.created !== b.created) return a.created - b.created;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function minOrNull(values: Iterable<number | null | undefined>): number | null {
  let best: number | null = null;
  for (const v of values) if (v !== null && v !== undefined && (best === null || v < best)) best = v;
  return best;
}

function maxOrNull(values: Iterable<number | null | undefined>): number | null {
  let best: number | null = null;
  for (const v of values) if (v !== null && v !== undefined && (best === null || v > best)) best = v;
  return best;
}

export function paymentStatus(input: PaymentStatusInput, now: number): PaymentStatus {
  const charges = input.charges.filter((c) => c.created <= now);
  const failedCharges = charges.filter((c) => c.status === 'failed').sort(byAge);
  const open = input.invoices.filter((i) => i.status === 'open').sort(byAge);

  const delinquentInvoices: DelinquentInvoice[] = [];
  for (const inv of open) {
    const failedForInvoice = failedCharges.filter((c) => c.invoiceId === inv.id);
    const firstFailedAt = minOrNull([
      inv.firstFailedAt !== null && inv.firstFailedAt <= now ? inv.firstFailedAt : null,
      ...failedForInvoice.map((c) => c.created),
    ]);
    const pastDueDate = inv.collectionMethod === 'send_invoice' && inv.dueDate !== null && inv.dueDate < now;
    if (firstFailedAt === null && !pastDueDate) continue;
    let daysPastDue = 0;
    if (inv.collectionMethod === 'send_invoice') {
      daysPastDue = pastDueDate && inv.dueDate !== null ? wholeDaysBetween(inv.dueDate, now) : 0;
    } else if (firstFailedAt !== null) {
      daysPastDue = wholeDaysBetween(firstFailedAt, now);
    }
    delinquentInvoices.push({
      invoiceId: inv.id,
      subscriptionId: inv.subscriptionId,
      collectionMethod: inv.collectionMethod,
      created: inv.created,
      amountDue: inv.amountDue,
      amountRemaining: inv.amountRemaining,
      currency: inv.currency.toLowerCase(),
      attemptCount: inv.attemptCount,
      nextPaymentAttempt: inv.nextPaymentAttempt,
      dueDate: inv.dueDate,
      firstFailedAt,
      failedChargeIds: failedForInvoice.map((c) => c.id),
      pastDueDate,
      daysPastDue,
    });
  }

  // The doc's clock per collection method: the oldest qualifying open invoice of each kind.
  const oldestSend = delinquentInvoices.find((d) => d.collectionMethod === 'send_invoice' && d.pastDueDate);
  const oldestAuto = delinquentInvoices.find(
    (d) => d.collectionMethod === 'charge_automatically' && d.firstFailedAt !== null,
  );
  const clock = [oldestSend, oldestAuto]
    .filter((d) => d !== undefined)
    .sort((a, b) => b.daysPastDue - a.daysPastDue)[0];

  const unpaidSubscriptionIds = input.subscriptions.filter((s) => s.status === 'unpaid').map((s) => s.id);
  const uncollectibleInvoiceIds = input.invoices.filter((i) => i.status === 'uncollectible').map((i) => i.id);

  const openAmountDue: PerCurrency = {};
  for (const inv of open) {
    const c = inv.currency.toLowerCase();
    openAmountDue[c] = (openAmountDue[c] ?? 0) + inv.amountRemaining;
  }

  const status =
    unpaidSubscriptionIds.length > 0 || uncollectibleInvoiceIds.length > 0
      ? 'unpaid'
      : delinquentInvoices.length > 0
        ? 'past_due'
        : 'current';

  return {
    status,
    daysPastDue: clock?.daysPastDue ?? 0,
    daysPastDueInvoiceId: clock?.invoiceId ?? null,
    openAmountDue,
    failedPayments30d: failedCharges.filter((c) => c.created > now - 30 * DAY_SECONDS).length,
    lastSuccessfulPaymentAt: maxOrNull([
      ...charges.filter((c) => c.status === 'succeeded').map((c) => c.created),
      ...input.invoices.map((i) =>
        i.status === 'paid' && i.paidAt != null && i.paidAt <= now ? i.paidAt : null,
      ),
    ]),
    nextPaymentAttempt: minOrNull(open.map((i) => i.nextPaymentAttempt)),
    oldestOpenInvoiceId: open[0]?.id ?? null,
    delinquentInvoices,
    unpaidSubscriptionIds,
    uncollectibleInvoiceIds,
  };
}
