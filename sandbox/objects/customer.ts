// Customer and card PaymentMethod objects as the 2026-10-28.endive API renders them.
import type { CardBehaviour } from './cards.ts';
import type { Customer, Metadata, PaymentMethod } from './wire.ts';

export type NewCustomer = {
  id: string;
  created: number;
  email: string | null;
  name: string | null;
  description?: string | null;
  phone?: string | null;
  metadata?: Metadata;
  invoicePrefix: string;
};

export function newCustomer(p: NewCustomer): Customer {
  return {
    id: p.id,
    object: 'customer',
    address: null,
    balance: 0,
    created: p.created,
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: p.description ?? null,
    discount: null,
    email: p.email,
    invoice_prefix: p.invoicePrefix,
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: p.metadata ?? {},
    name: p.name,
    next_invoice_sequence: 1,
    phone: p.phone ?? null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
}

export type NewCard = {
  id: string;
  created: number;
  card: CardBehaviour;
  expMonth: number;
  expYear: number;
  fingerprint: string;
  name: string | null;
  email: string | null;
};

export function newCardPaymentMethod(p: NewCard): PaymentMethod {
  return {
    id: p.id,
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: p.email,
      name: p.name,
      phone: null,
      tax_id: null,
    },
    card: {
      brand: p.card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: p.card.country,
      display_brand: p.card.brand,
      exp_month: p.expMonth,
      exp_year: p.expYear,
      fingerprint: p.fingerprint,
      funding: p.card.funding,
      generated_from: null,
      last4: p.card.last4,
      networks: { available: [p.card.brand], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: p.created,
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: 'card',
  };
}
