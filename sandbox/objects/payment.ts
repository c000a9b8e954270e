// PaymentIntents and Charges, with the outcome block Stripe fills for approved and declined cards.
import type { CardBehaviour } from './cards.ts';
import { type Charge, type Metadata, nestedList, type PaymentIntent, type PaymentMethod } from './wire.ts';

export function newPaymentIntent(p: {
  id: string;
  created: number;
  amount: number;
  currency: string;
  customer: string | null;
  paymentMethod: string | null;
  description: string | null;
  clientSecret: string;
  metadata?: Metadata;
}): PaymentIntent {
  return {
    id: p.id,
    object: 'payment_intent',
    allowed_payment_method_types: null,
    amount: p.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic',
    client_secret: p.clientSecret,
    confirmation_method: 'automatic',
    created: p.created,
    currency: p.currency,
    customer: p.customer,
    customer_account: null,
    description: p.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: p.metadata ?? {},
    next_action: null,
    on_behalf_of: null,
    payment_method: p.paymentMethod,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' },
    },
    payment_method_types: ['card'],
    payment_record: null,
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
  };
}

export type Decline = { code: string; decline_code: string; message: string; reason: string };

export function newCharge(p: {
  id: string;
  created: number;
  amount: number;
  currency: string;
  customer: string | null;
  paymentIntent: string | null;
  paymentMethod: PaymentMethod;
  behaviour: CardBehaviour;
  decline: Decline | null;
  description: string | null;
  balanceTransaction: string | null;
  riskScore: number;
}): Charge {
  const card = p.paymentMethod.card!;
  const ok = p.decline === null;
  const risk = p.behaviour.risk ?? 'normal';
  return {
    id: p.id,
    object: 'charge',
    amount: p.amount,
    amount_captured: ok ? p.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: p.balanceTransaction,
    billing_details: p.paymentMethod.billing_details,
    calculated_statement_descriptor: 'ATLAS SANDBOX',
    captured: ok,
    created: p.created,
    currency: p.currency,
    customer: p.customer,
    description: p.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: ok ? null : p.decline!.code,
    failure_message: ok ? null : p.decline!.message,
    fraud_details: {},
    livemode: false,
    metadata: {},
    on_behalf_of: null,
    outcome: ok
      ? {
          advice_code: null,
          network_advice_code: null,
          network_decline_code: null,
          network_status: 'approved_by_network',
          reason: null,
          risk_level: risk,
          risk_score: p.riskScore,
          seller_message: 'Payment complete.',
          type: 'authorized',
        }
      : {
          advice_code: p.decline!.code === 'expired_card' ? 'do_not_try_again' : 'try_again_later',
          network_advice_code: null,
          network_decline_code: null,
          network_status: 'declined_by_network',
          reason: p.decline!.reason,
          risk_level: risk,
          risk_score: p.riskScore,
          seller_message: 'The bank did not return any further details with this decline.',
          type: 'issuer_declined',
        },
    paid: ok,
    payment_intent: p.paymentIntent,
    payment_method: p.paymentMethod.id,
    payment_method_details: {
      card: {
        amount_authorized: ok ? p.amount : null,
        authorization_code: ok ? '123456' : null,
        brand: card.brand,
        checks: card.checks,
        country: card.country,
        electronic_commerce_indicator: null,
        exp_month: card.exp_month,
        exp_year: card.exp_year,
        extended_authorization: { status: 'disabled' },
        fingerprint: card.fingerprint,
        funding: card.funding,
        incremental_authorization: { status: 'unavailable' },
        installments: null,
        last4: card.last4,
        mandate: null,
        multicapture: { status: 'unavailable' },
        network: card.brand,
        network_token: { used: false },
        network_transaction_id: ok ? `${p.id.slice(3, 15)}NTI` : null,
        overcapture: { maximum_amount_capturable: p.amount, status: 'unavailable' },
        regulated_status: 'unregulated',
        three_d_secure: null,
        transaction_link_id: null,
        wallet: null,
      },
      type: 'card',
    },
    receipt_email: null,
    receipt_number: null,
    receipt_url: `https://pay.stripe.com/receipts/sandbox/${p.id}`,
    refunded: false,
    refunds: nestedList(`/v1/charges/${p.id}/refunds`, []),
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: ok ? 'succeeded' : 'failed',
    transfer_data: null,
    transfer_group: null,
  };
}
