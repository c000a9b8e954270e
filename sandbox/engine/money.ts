// Refunds, disputes and credit notes.
import { invalid, notFound } from '../http/errors.ts';
import { newCreditNote, newDispute, newRefund } from '../objects/money.ts';
import { type Charge, type CreditNote, type Invoice, nestedList, type Refund } from '../objects/wire.ts';
import { addBalanceTransaction } from './payouts.ts';
import { changed, emit, type SandboxState } from './state.ts';

const DAY = 86400;

export function createRefund(
  s: SandboxState,
  charge: Charge,
  p: { amount?: number; reason?: Refund['reason']; metadata?: Record<string, string> },
): Refund {
  if (charge.status !== 'succeeded')
    throw invalid(
      `Charge ${charge.id} has not succeeded, so it cannot be refunded.`,
      'charge',
      'charge_not_refundable',
    );
  const left = charge.amount - charge.amount_refunded;
  const amount = p.amount ?? left;
  if (left <= 0)
    throw invalid(`Charge ${charge.id} has already been refunded.`, 'charge', 'charge_already_refunded');
  if (amount <= 0 || amount > left) {
    throw invalid(
      `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`,
      'amount',
      'amount_too_large',
    );
  }
  const id = s.newId('re_');
  const txn = addBalanceTransaction(s, {
    amount: -amount,
    fee: 0,
    currency: charge.currency,
    source: id,
    type: 'refund',
    category: 'refund',
    description: 'REFUND FOR CHARGE',
  });
  const refund = newRefund({
    id,
    created: s.now,
    amount,
    currency: charge.currency,
    charge: charge.id,
    customer: charge.customer as string | null,
    paymentIntent: charge.payment_intent as string | null,
    paymentMethod: charge.payment_method,
    balanceTransaction: txn,
    reason: p.reason ?? null,
    metadata: p.metadata,
  });
  s.store.refunds.insert(refund);
  const prev = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded === charge.amount;
  const all = [refund, ...(charge.refunds?.data ?? [])];
  charge.refunds = nestedList(`/v1/charges/${charge.id}/refunds`, all);
  changed(s, 'refund.created', s.store.refunds, id);
  changed(s, 'charge.refunded', s.store.charges, charge.id, prev);
  return refund;
}

export function openDispute(s: SandboxState, charge: Charge): void {
  const id = s.newId('du_');
  const reason = s.rng.pick([
    'fraudulent',
    'product_not_received',
    'subscription_canceled',
    'general',
  ] as const);
  const dispute = newDispute({
    id,
    created: s.now,
    amount: charge.amount,
    currency: charge.currency,
    charge: charge.id,
    paymentIntent: charge.payment_intent as string | null,
    brand: charge.payment_method_details?.card?.brand ?? 'visa',
    reason,
    dueBy: s.now + 7 * DAY,
  });
  const txnId = addBalanceTransaction(s, {
    amount: -charge.amount,
    fee: 1500,
    currency: charge.currency,
    source: id,
    type: 'adjustment',
    category: 'dispute',
    description: `Chargeback withdrawal for ${charge.id}`,
  });
  dispute.balance_transactions = [s.store.balance_transactions.get(txnId)!];
  s.store.disputes.insert(dispute);
  charge.disputed = true;
  s.store.charges.touch(charge.id);
  changed(s, 'charge.dispute.created', s.store.disputes, id);
  emit(s, 'charge.dispute.funds_withdrawn', s.store.disputes, id);
  // Evidence is "submitted" after 3 days; the bank decides about 10 days after opening.
  s.scheduler.at(s.now + 3 * DAY, () => {
    const d = s.store.disputes.get(id);
    if (d?.status !== 'needs_response') return;
    d.status = 'under_review';
    d.evidence_details = { ...d.evidence_details, has_evidence: true, submission_count: 1 };
    changed(s, 'charge.dispute.updated', s.store.disputes, id, { status: 'needs_response' });
  });
  s.scheduler.at(s.now + 10 * DAY, () => closeDispute(s, id, s.rng.chance(0.5) ? 'won' : 'lost'));
}

export function closeDispute(s: SandboxState, id: string, outcome: 'won' | 'lost'): void {
  const d = s.store.disputes.get(id);
  if (!d || d.status === 'won' || d.status === 'lost') return;
  const prev = d.status;
  d.status = outcome;
  if (outcome === 'won') {
    const txnId = addBalanceTransaction(s, {
      amount: d.amount,
      fee: -1500,
      currency: d.currency,
      source: id,
      type: 'adjustment',
      category: 'dispute_reversal',
      description: `Chargeback reversal for ${d.charge as string}`,
    });
    d.balance_transactions = [...d.balance_transactions, s.store.balance_transactions.get(txnId)!];
    changed(s, 'charge.dispute.funds_reinstated', s.store.disputes, id);
  }
  changed(s, 'charge.dispute.closed', s.store.disputes, id, { status: prev });
}

export function createCreditNote(
  s: SandboxState,
  invoice: Invoice,
  p: { amount?: number; reason?: CreditNote['reason']; memo?: string | null; refund?: boolean },
): CreditNote {
  if (invoice.status !== 'open' && invoice.status !== 'paid') {
    throw invalid(
      'You can only create credit notes for open or paid invoices.',
      'invoice',
      'invoice_not_editable',
    );
  }
  const postPayment = invoice.status === 'paid';
  const max = postPayment
    ? invoice.amount_paid - invoice.post_payment_credit_notes_amount
    : invoice.amount_remaining;
  const amount = p.amount ?? max;
  if (amount <= 0 || amount > max)
    throw invalid(`The credit note amount must be between 1 and ${max}.`, 'amount', 'amount_too_large');
  let refundId: string | null = null;
  if (postPayment && p.refund !== false) {
    const piId = s.store.invoicePaymentIntent.get(invoice.id);
    const chargeId = piId ? (s.store.payment_intents.get(piId)?.latest_charge as string | null) : null;
    const charge = chargeId ? s.store.charges.get(chargeId) : undefined;
    if (charge && charge.amount - charge.amount_refunded >= amount)
      refundId = createRefund(s, charge, { amount, reason: 'requested_by_customer' }).id;
  }
  const customer = s.store.customers.get(invoice.customer as string);
  if (!customer) throw notFound('customer', invoice.customer as string);
  const count = s.store.credit_notes.size + 1;
  const id = s.newId('cn_');
  const cn = newCreditNote({
    id,
    created: s.now,
    amount,
    currency: invoice.currency,
    customer: customer.id,
    invoice: invoice.id,
    number: `${invoice.number ?? customer.invoice_prefix}-CN-${String(count).padStart(2, '0')}`,
    invoiceLineItem: s.store.invoiceLines.get(invoice.id)?.[0]?.id ?? null,
    lineId: s.newId('cnli_'),
    reason: p.reason ?? null,
    postPayment,
    refund: refundId,
    memo: p.memo ?? null,
  });
  s.store.credit_notes.insert(cn);
  changed(s, 'credit_note.created', s.store.credit_notes, id);
  if (postPayment) invoice.post_payment_credit_notes_amount += amount;
  else {
    invoice.pre_payment_credit_notes_amount += amount;
    invoice.amount_remaining -= amount;
    invoice.amount_due -= amount;
  }
  changed(
    s,
    'invoice.updated',
    s.store.invoices,
    invoice.id,
    postPayment
      ? { post_payment_credit_notes_amount: invoice.post_payment_credit_notes_amount - amount }
      : { amount_remaining: invoice.amount_remaining + amount },
  );
  return cn;
}
