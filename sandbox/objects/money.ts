// Money movements after a charge: refunds, disputes, payouts, balance transactions, credit notes.
import type {
  BalanceTransaction,
  CreditNote,
  CreditNoteLineItem,
  Dispute,
  Metadata,
  Payout,
  Refund,
  WebhookEndpoint,
} from './wire.ts';

export function newRefund(p: {
  id: string;
  created: number;
  amount: number;
  currency: string;
  charge: string;
  customer: string | null;
  paymentIntent: string | null;
  paymentMethod: string | null;
  balanceTransaction: string | null;
  reason: Refund['reason'];
  metadata?: Metadata;
}): Refund {
  return {
    id: p.id,
    object: 'refund',
    amount: p.amount,
    balance_transaction: p.balanceTransaction,
    charge: p.charge,
    created: p.created,
    currency: p.currency,
    customer: p.customer,
    customer_account: null,
    destination_details: {
      card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' },
      type: 'card',
    },
    metadata: p.metadata ?? {},
    payment_intent: p.paymentIntent,
    payment_method: p.paymentMethod,
    reason: p.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
}

const EMPTY_EVIDENCE: Dispute['evidence'] = {
  access_activity_log: null,
  billing_address: null,
  cancellation_policy: null,
  cancellation_policy_disclosure: null,
  cancellation_rebuttal: null,
  customer_communication: null,
  customer_email_address: null,
  customer_name: null,
  customer_purchase_ip: null,
  customer_signature: null,
  duplicate_charge_documentation: null,
  duplicate_charge_explanation: null,
  duplicate_charge_id: null,
  enhanced_evidence: {},
  product_description: null,
  receipt: null,
  refund_policy: null,
  refund_policy_disclosure: null,
  refund_refusal_explanation: null,
  service_date: null,
  service_documentation: null,
  shipping_address: null,
  shipping_carrier: null,
  shipping_date: null,
  shipping_documentation: null,
  shipping_tracking_number: null,
  uncategorized_file: null,
  uncategorized_text: null,
};

export function newDispute(p: {
  id: string;
  created: number;
  amount: number;
  currency: string;
  charge: string;
  paymentIntent: string | null;
  brand: string;
  reason: string;
  dueBy: number;
}): Dispute {
  return {
    id: p.id,
    object: 'dispute',
    amount: p.amount,
    balance_transactions: [],
    charge: p.charge,
    created: p.created,
    currency: p.currency,
    enhanced_eligibility_types: [],
    evidence: EMPTY_EVIDENCE,
    evidence_details: {
      due_by: p.dueBy,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: 'not_submitted',
    },
    intended_submission_method: null,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    network_reason_code: '10.4',
    payment_intent: p.paymentIntent,
    payment_method_details: {
      card: { brand: p.brand, case_type: 'chargeback', network: p.brand, network_reason_code: '10.4' },
      type: 'card',
    },
    reason: p.reason,
    status: 'needs_response',
  };
}

export function newPayout(p: {
  id: string;
  created: number;
  amount: number;
  currency: string;
  arrivalDate: number;
  balanceTransaction: string;
}): Payout {
  return {
    id: p.id,
    object: 'payout',
    amount: p.amount,
    application_fee: null,
    application_fee_amount: null,
    arrival_date: p.arrivalDate,
    automatic: true,
    balance_transaction: p.balanceTransaction,
    created: p.created,
    currency: p.currency,
    description: 'STRIPE PAYOUT',
    destination: 'ba_sandbox_bank_account',
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    livemode: false,
    metadata: {},
    method: 'standard',
    original_payout: null,
    payout_method: null,
    reconciliation_status: 'not_applicable',
    reversed_by: null,
    source_type: 'card',
    statement_descriptor: null,
    status: 'in_transit',
    trace_id: { status: 'pending', value: null },
    type: 'bank_account',
  };
}

export function newBalanceTransaction(p: {
  id: string;
  created: number;
  amount: number;
  fee: number;
  currency: string;
  source: string;
  type: BalanceTransaction['type'];
  reportingCategory: string;
  description: string | null;
  availableOn: number;
}): BalanceTransaction {
  return {
    id: p.id,
    object: 'balance_transaction',
    amount: p.amount,
    available_on: p.availableOn,
    balance_type: 'payments',
    created: p.created,
    currency: p.currency,
    description: p.description,
    exchange_rate: null,
    fee: p.fee,
    fee_details: p.fee
      ? [
          {
            amount: p.fee,
            application: null,
            currency: p.currency,
            description: 'Stripe processing fees',
            type: 'stripe_fee',
          },
        ]
      : [],
    net: p.amount - p.fee,
    reporting_category: p.reportingCategory,
    source: p.source,
    status: 'pending',
    type: p.type,
  };
}

export function newCreditNote(p: {
  id: string;
  created: number;
  amount: number;
  currency: string;
  customer: string;
  invoice: string;
  number: string;
  invoiceLineItem: string | null;
  lineId: string;
  reason: CreditNote['reason'];
  postPayment: boolean;
  refund: string | null;
  memo: string | null;
}): CreditNote {
  const line: CreditNoteLineItem = {
    id: p.lineId,
    object: 'credit_note_line_item',
    amount: p.amount,
    description: p.memo ?? 'Credit',
    discount_amount: 0,
    discount_amounts: [],
    invoice_line_item: p.invoiceLineItem ?? undefined,
    livemode: false,
    metadata: {},
    pretax_credit_amounts: [],
    quantity: 1,
    tax_rates: [],
    taxes: [],
    type: p.invoiceLineItem ? 'invoice_line_item' : 'custom_line_item',
    unit_amount: p.invoiceLineItem ? null : p.amount,
    unit_amount_decimal: p.invoiceLineItem ? null : String(p.amount),
  };
  return {
    id: p.id,
    object: 'credit_note',
    amount: p.amount,
    amount_shipping: 0,
    created: p.created,
    currency: p.currency,
    customer: p.customer,
    customer_account: null,
    customer_balance_transaction: null,
    discount_amount: 0,
    discount_amounts: [],
    effective_at: p.created,
    invoice: p.invoice,
    lines: { object: 'list', data: [line], has_more: false, url: `/v1/credit_notes/${p.id}/lines` },
    livemode: false,
    memo: p.memo,
    metadata: {},
    number: p.number,
    out_of_band_amount: null,
    pdf: `https://pay.stripe.com/credit_notes/sandbox/${p.id}/pdf`,
    post_payment_amount: p.postPayment ? p.amount : 0,
    pre_payment_amount: p.postPayment ? 0 : p.amount,
    pretax_credit_amounts: [],
    reason: p.reason,
    refunds: p.refund
      ? [{ amount_refunded: p.amount, payment_record_refund: null, refund: p.refund, type: 'refund' }]
      : [],
    shipping_cost: null,
    status: 'issued',
    subtotal: p.amount,
    subtotal_excluding_tax: p.amount,
    total: p.amount,
    total_excluding_tax: p.amount,
    total_taxes: [],
    type: p.postPayment ? 'post_payment' : 'pre_payment',
    voided_at: null,
  };
}

export function newWebhookEndpoint(p: {
  id: string;
  created: number;
  url: string;
  enabledEvents: string[];
  description: string | null;
  apiVersion: string | null;
  metadata?: Metadata;
}): WebhookEndpoint {
  return {
    id: p.id,
    object: 'webhook_endpoint',
    api_version: p.apiVersion,
    application: null,
    created: p.created,
    description: p.description,
    enabled_events: p.enabledEvents,
    livemode: false,
    metadata: p.metadata ?? {},
    status: 'enabled',
    url: p.url,
  };
}
