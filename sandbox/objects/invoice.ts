// Invoices, their line items, invoice items and invoice payments (endive: `parent` and `payments`
// replace the old top-level `subscription`, `charge` and `payment_intent`).
import {
  type Invoice,
  type InvoiceItem,
  type InvoiceLineItem,
  type InvoicePayment,
  type Metadata,
  nestedList,
} from './wire.ts';

export type NewInvoice = {
  id: string;
  created: number;
  customer: { id: string; email: string | null; name: string | null; phone: string | null };
  currency: string;
  subscription: string | null;
  billingReason: Invoice['billing_reason'];
  collectionMethod: Invoice['collection_method'];
  dueDate: number | null;
  periodStart: number;
  periodEnd: number;
  lines: InvoiceLineItem[];
  discountAmount: number;
  discounts: string[];
  defaultPaymentMethod: string | null;
  description?: string | null;
  metadata?: Metadata;
};

export function newInvoice(p: NewInvoice): Invoice {
  const subtotal = p.lines.reduce((s, l) => s + l.amount, 0);
  const total = Math.max(0, subtotal - p.discountAmount);
  return {
    id: p.id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Atlas Sandbox',
    account_tax_ids: null,
    amount_due: total,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: total,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: p.billingReason,
    collection_method: p.collectionMethod,
    created: p.created,
    currency: p.currency,
    custom_fields: null,
    customer: p.customer.id,
    customer_account: null,
    customer_address: null,
    customer_email: p.customer.email,
    customer_name: p.customer.name,
    customer_phone: p.customer.phone,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: p.defaultPaymentMethod,
    default_source: null,
    default_tax_rates: [],
    description: p.description ?? null,
    discounts: p.discounts,
    due_date: p.dueDate,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: nestedList(`/v1/invoices/${p.id}/lines`, p.lines),
    livemode: false,
    metadata: p.metadata ?? {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: p.subscription
      ? {
          quote_details: null,
          subscription_details: { metadata: {}, subscription: p.subscription },
          type: 'subscription_details',
        }
      : null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    payments: nestedList(`/v1/invoice_payments?invoice=${p.id}`, []),
    period_end: p.periodEnd,
    period_start: p.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal,
    subtotal_excluding_tax: subtotal,
    test_clock: null,
    total,
    total_discount_amounts: p.discountAmount
      ? p.discounts.map((d) => ({ amount: p.discountAmount, discount: d }))
      : [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: p.created,
  };
}

export function newLineItem(p: {
  id: string;
  invoice: string;
  amount: number;
  currency: string;
  description: string;
  quantity: number;
  periodStart: number;
  periodEnd: number;
  price: { id: string; product: string; unit_amount_decimal: string | null };
  subscription: string | null;
  subscriptionItem: string | null;
  invoiceItem: string | null;
}): InvoiceLineItem {
  const fromSubscription = p.subscriptionItem !== null;
  return {
    id: p.id,
    object: 'line_item',
    amount: p.amount,
    currency: p.currency,
    description: p.description,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: p.invoice,
    livemode: false,
    metadata: {},
    parent: fromSubscription
      ? {
          invoice_item_details: null,
          subscription_item_details: {
            invoice_item: null,
            proration: false,
            proration_details: { credited_items: null },
            subscription: p.subscription,
            subscription_item: p.subscriptionItem!,
          },
          type: 'subscription_item_details',
        }
      : {
          invoice_item_details: {
            invoice_item: p.invoiceItem!,
            proration: false,
            proration_details: { credited_items: null },
            subscription: p.subscription,
          },
          subscription_item_details: null,
          type: 'invoice_item_details',
        },
    period: { end: p.periodEnd, start: p.periodStart },
    pretax_credit_amounts: [],
    pricing: {
      price_details: { price: p.price.id, product: p.price.product },
      type: 'price_details',
      unit_amount_decimal: p.price.unit_amount_decimal,
    },
    quantity: p.quantity,
    quantity_decimal: String(p.quantity),
    subscription: p.subscription,
    subtotal: p.amount,
    taxes: [],
  };
}

export function newInvoiceItem(p: {
  id: string;
  created: number;
  customer: string;
  amount: number;
  currency: string;
  description: string | null;
  quantity: number;
  price: { id: string; product: string; unit_amount_decimal: string | null } | null;
  invoice: string | null;
  subscription: string | null;
  metadata?: Metadata;
}): InvoiceItem {
  return {
    id: p.id,
    object: 'invoiceitem',
    amount: p.amount,
    currency: p.currency,
    customer: p.customer,
    customer_account: null,
    date: p.created,
    description: p.description,
    discountable: true,
    discounts: [],
    invoice: p.invoice,
    livemode: false,
    metadata: p.metadata ?? {},
    net_amount: p.amount,
    parent: p.subscription
      ? { subscription_details: { subscription: p.subscription }, type: 'subscription_details' }
      : null,
    period: { end: p.created, start: p.created },
    pricing: p.price
      ? {
          price_details: { price: p.price.id, product: p.price.product },
          type: 'price_details',
          unit_amount_decimal: p.price.unit_amount_decimal,
        }
      : null,
    proration: false,
    quantity: p.quantity,
    quantity_decimal: String(p.quantity),
    tax_rates: [],
    test_clock: null,
  };
}

export function newInvoicePayment(p: {
  id: string;
  created: number;
  invoice: string;
  amount: number;
  currency: string;
  paymentIntent: string;
}): InvoicePayment {
  return {
    id: p.id,
    object: 'invoice_payment',
    amount_paid: null,
    amount_requested: p.amount,
    created: p.created,
    currency: p.currency,
    invoice: p.invoice,
    is_default: true,
    livemode: false,
    payment: { payment_intent: p.paymentIntent, type: 'payment_intent' },
    status: 'open',
    status_transitions: { canceled_at: null, paid_at: null },
  };
}
