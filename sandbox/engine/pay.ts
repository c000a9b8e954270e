// Paying an invoice: payment intent, charge with Stripe's outcome, balance transaction, then the
// invoice and subscription consequences (retries, past_due, unpaid/canceled, recovery).
import { ApiError } from '../http/errors.ts';
import { EXPIRED_DECLINE } from '../objects/cards.ts';
import { newInvoicePayment } from '../objects/invoice.ts';
import { type Decline, newCharge, newPaymentIntent } from '../objects/payment.ts';
import type { Charge, Invoice, PaymentIntent, PaymentMethod } from '../objects/wire.ts';
import { randomToken } from '../util/prng.ts';
import { markPaid } from './invoices.ts';
import { openDispute } from './money.ts';
import { addBalanceTransaction } from './payouts.ts';
import { changed, type SandboxState } from './state.ts';
import { onInvoiceFailed, onInvoicePaid } from './subscriptions.ts';

export const MAX_ATTEMPTS = 4;

export type ChargeResult = { charge: Charge | null; decline: Decline | null };

/** The decline a charge on this card would get now, or null when it would be approved. */
export function declineFor(s: SandboxState, pm: PaymentMethod): Decline | null {
  const card = s.store.cardOf.get(pm.id);
  if (card?.decline) return card.decline;
  const c = pm.card;
  if (c) {
    const expiry = Date.UTC(c.exp_year, c.exp_month, 1) / 1000; // first second after the expiry month
    if (s.now >= expiry) return EXPIRED_DECLINE;
  }
  return null;
}

export function createPaymentIntent(
  s: SandboxState,
  p: {
    amount: number;
    currency: string;
    customer: string | null;
    paymentMethod: string | null;
    description: string | null;
  },
): PaymentIntent {
  const id = s.newId('pi_');
  const pi = newPaymentIntent({
    id,
    created: s.now,
    clientSecret: `${id}_secret_${randomToken(s.rng, 24)}`,
    ...p,
  });
  s.store.payment_intents.insert(pi);
  changed(s, 'payment_intent.created', s.store.payment_intents, id);
  return pi;
}

/** Confirms a payment intent with a card: one charge, approved or declined. */
export function confirmPaymentIntent(
  s: SandboxState,
  pi: PaymentIntent,
  pm: PaymentMethod | null,
): ChargeResult {
  if (!pm) {
    pi.status = 'requires_payment_method';
    pi.last_payment_error = null;
    s.store.payment_intents.touch(pi.id);
    return {
      charge: null,
      decline: {
        code: 'payment_method_missing',
        decline_code: '',
        message: 'No payment method available.',
        reason: '',
      },
    };
  }
  const decline = declineFor(s, pm);
  const chargeId = s.newId('ch_');
  const fee = decline ? 0 : Math.round(pi.amount * 0.029) + 30;
  const txn = decline
    ? null
    : addBalanceTransaction(s, {
        amount: pi.amount,
        fee,
        currency: pi.currency,
        source: chargeId,
        type: 'charge',
        category: 'charge',
        description: pi.description,
      });
  const charge = newCharge({
    id: chargeId,
    created: s.now,
    amount: pi.amount,
    currency: pi.currency,
    customer: pi.customer as string | null,
    paymentIntent: pi.id,
    paymentMethod: pm,
    behaviour: s.store.cardOf.get(pm.id) ?? {
      brand: pm.card?.brand ?? 'visa',
      last4: pm.card?.last4 ?? '4242',
      funding: 'credit',
      country: 'US',
    },
    decline,
    description: pi.description,
    balanceTransaction: txn,
    riskScore: s.rng.int(5, 60),
  });
  s.store.charges.insert(charge);
  pi.payment_method = pm.id;
  pi.latest_charge = chargeId;
  if (decline) {
    pi.status = 'requires_payment_method';
    pi.last_payment_error = {
      advice_code: charge.outcome?.advice_code ?? undefined,
      charge: chargeId,
      code: decline.code,
      decline_code: decline.decline_code,
      doc_url: `https://stripe.com/docs/error-codes/${decline.code.replace(/_/g, '-')}`,
      message: decline.message,
      payment_method: pm,
      type: 'card_error',
    };
    changed(s, 'charge.failed', s.store.charges, chargeId);
    changed(s, 'payment_intent.payment_failed', s.store.payment_intents, pi.id);
  } else {
    pi.status = 'succeeded';
    pi.amount_received = pi.amount;
    pi.last_payment_error = null;
    changed(s, 'charge.succeeded', s.store.charges, chargeId);
    changed(s, 'payment_intent.succeeded', s.store.payment_intents, pi.id);
    // pm_card_createDispute: the first successful charge on the card is disputed.
    if (s.store.cardOf.get(pm.id)?.dispute && !s.disputedCards.has(pm.id)) {
      s.disputedCards.add(pm.id);
      openDispute(s, charge);
    }
  }
  return { charge, decline };
}

export function paymentMethodFor(
  s: SandboxState,
  invoice: Invoice,
  override?: PaymentMethod,
): PaymentMethod | null {
  if (override) return override;
  const ids: (string | null)[] = [invoice.default_payment_method as string | null];
  const subId = invoice.parent?.subscription_details?.subscription as string | undefined;
  if (subId) ids.push(s.store.subscriptions.get(subId)?.default_payment_method as string | null);
  ids.push(
    s.store.customers.get(invoice.customer as string)?.invoice_settings.default_payment_method as
      | string
      | null,
  );
  for (const id of ids) if (id) return s.store.payment_methods.get(id) ?? null;
  return null;
}

/**
 * One payment attempt on an open invoice. Automatic attempts schedule the next retry on failure;
 * a manual `pay` call that fails answers 402 card_error, as Stripe does.
 */
export function attemptInvoice(
  s: SandboxState,
  invoice: Invoice,
  opts: { manual: boolean; paymentMethod?: PaymentMethod },
): ChargeResult {
  const pm = paymentMethodFor(s, invoice, opts.paymentMethod);
  let piId = s.store.invoicePaymentIntent.get(invoice.id);
  let pi = piId ? s.store.payment_intents.get(piId) : undefined;
  if (!pi) {
    pi = createPaymentIntent(s, {
      amount: invoice.amount_remaining,
      currency: invoice.currency,
      customer: invoice.customer as string,
      paymentMethod: pm?.id ?? null,
      description: invoice.billing_reason?.startsWith('subscription')
        ? 'Subscription update'
        : 'Invoice payment',
    });
    piId = pi.id;
    s.store.invoicePaymentIntent.set(invoice.id, pi.id);
    s.store.paymentIntentInvoice.set(pi.id, invoice.id);
    const payment = newInvoicePayment({
      id: s.newId('inpay_'),
      created: s.now,
      invoice: invoice.id,
      amount: invoice.amount_remaining,
      currency: invoice.currency,
      paymentIntent: pi.id,
    });
    s.store.invoice_payments.insert(payment);
    invoice.payments = { ...invoice.payments!, data: [...invoice.payments!.data, payment] };
  }
  const result = confirmPaymentIntent(s, pi, pm);
  invoice.attempt_count += 1;
  invoice.attempted = true;
  if (!result.decline) {
    const payment = invoice.payments!.data.find((p) => (p.payment.payment_intent as string) === pi.id);
    if (payment) {
      payment.status = 'paid';
      payment.amount_paid = pi.amount;
      payment.status_transitions = { canceled_at: null, paid_at: s.now };
      s.store.invoice_payments.touch(payment.id);
    }
    markPaid(s, invoice, pi.amount);
    onInvoicePaid(s, invoice);
    return result;
  }
  // A subscription's first invoice is not retried: the subscription stays incomplete, then expires.
  const retriesLeft =
    invoice.attempt_count < MAX_ATTEMPTS &&
    invoice.collection_method === 'charge_automatically' &&
    invoice.billing_reason !== 'subscription_create';
  if (!opts.manual || invoice.next_payment_attempt !== null) {
    invoice.next_payment_attempt = retriesLeft
      ? s.now + s.retryDays[Math.min(invoice.attempt_count - 1, s.retryDays.length - 1)]! * 86400
      : null;
  }
  changed(s, 'invoice.payment_failed', s.store.invoices, invoice.id);
  if (invoice.next_payment_attempt !== null)
    scheduleRetry(s, invoice.id, invoice.attempt_count, invoice.next_payment_attempt);
  onInvoiceFailed(s, invoice);
  if (opts.manual) {
    throw new ApiError(402, 'card_error', result.decline.message, {
      code: result.decline.code,
      decline_code: result.decline.decline_code || undefined,
      charge: result.charge?.id,
      payment_intent: JSON.parse(s.store.payment_intents.jsonOf(pi.id)!),
    });
  }
  return result;
}

function scheduleRetry(s: SandboxState, invoiceId: string, attempt: number, at: number): void {
  s.scheduler.at(at, () => {
    const inv = s.store.invoices.get(invoiceId);
    // Stale if paid, voided, retried by hand, or the schedule moved meanwhile.
    if (inv?.status !== 'open' || inv.attempt_count !== attempt || inv.next_payment_attempt !== at) return;
    attemptInvoice(s, inv, { manual: false });
  });
}
