// Customers and their cards: creation, test-token payment methods, attach/detach, default card.
import { invalid, notFound } from '../http/errors.ts';
import { TEST_CARDS } from '../objects/cards.ts';
import { newCardPaymentMethod, newCustomer } from '../objects/customer.ts';
import type { Customer, Metadata, PaymentMethod } from '../objects/wire.ts';
import { randomToken } from '../util/prng.ts';
import { changed, type SandboxState } from './state.ts';

export function createCustomer(
  s: SandboxState,
  p: {
    email: string | null;
    name: string | null;
    description?: string | null;
    phone?: string | null;
    metadata?: Metadata;
  },
): Customer {
  const customer = newCustomer({
    id: s.newId('cus_'),
    created: s.now,
    invoicePrefix: randomToken(s.rng, 8).toUpperCase(),
    ...p,
  });
  s.store.customers.insert(customer);
  changed(s, 'customer.created', s.store.customers, customer.id);
  return customer;
}

/** Creates a card payment method from a test token (`pm_card_visa`, `tok_visa`, …). */
export function createCardFromToken(
  s: SandboxState,
  token: string,
  opts: { expMonth?: number; expYear?: number } = {},
): PaymentMethod {
  const key = token.startsWith('tok_') ? `pm_card_${token.slice(4)}` : token;
  const card = TEST_CARDS[key];
  if (!card) throw notFound('PaymentMethod', token, 'payment_method');
  const nowYear = new Date(s.now * 1000).getUTCFullYear();
  const pm = newCardPaymentMethod({
    id: s.newId('pm_'),
    created: s.now,
    card,
    expMonth: opts.expMonth ?? s.rng.int(1, 12),
    expYear: opts.expYear ?? nowYear + s.rng.int(1, 5),
    fingerprint: fingerprint(key),
    name: null,
    email: null,
  });
  s.store.payment_methods.insert(pm);
  s.store.cardOf.set(pm.id, card);
  return pm;
}

/** Same test card → same fingerprint, as Stripe does for the same card number. */
function fingerprint(key: string): string {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return `fp${(h >>> 0).toString(36).padStart(7, '0')}Sbx${key.length.toString(36)}`.slice(0, 16);
}

/** Resolves a payment method id; magic test tokens create a fresh payment method like Stripe. */
export function resolvePaymentMethod(s: SandboxState, id: string, param = 'payment_method'): PaymentMethod {
  const existing = s.store.payment_methods.get(id);
  if (existing) return existing;
  if (TEST_CARDS[id] || id.startsWith('tok_')) return createCardFromToken(s, id);
  throw notFound('PaymentMethod', id, param);
}

export function attachPaymentMethod(s: SandboxState, pmId: string, customerId: string): PaymentMethod {
  const customer = s.store.customers.get(customerId);
  if (!customer) throw notFound('customer', customerId, 'customer');
  const pm = resolvePaymentMethod(s, pmId);
  if (pm.customer && pm.customer !== customerId) {
    throw invalid(
      'This PaymentMethod is already attached to a different customer.',
      'payment_method',
      'payment_method_unexpected_state',
    );
  }
  if (pm.customer === customerId) return pm; // "already done" is success
  pm.customer = customerId;
  pm.billing_details.email = customer.email;
  pm.billing_details.name = customer.name ?? null;
  changed(s, 'payment_method.attached', s.store.payment_methods, pm.id);
  return pm;
}

export function detachPaymentMethod(s: SandboxState, pmId: string): PaymentMethod {
  const pm = s.store.payment_methods.get(pmId);
  if (!pm) throw notFound('PaymentMethod', pmId);
  if (!pm.customer) {
    throw invalid(
      'The payment method you provided is not attached to a customer so detachment is impossible.',
      undefined,
      'payment_method_unexpected_state',
    );
  }
  const customer = s.store.customers.get(pm.customer as string);
  pm.customer = null;
  changed(s, 'payment_method.detached', s.store.payment_methods, pm.id, { customer: customer?.id ?? null });
  if (customer && customer.invoice_settings.default_payment_method === pmId) {
    setDefaultPaymentMethod(s, customer, null);
  }
  return pm;
}

export function setDefaultPaymentMethod(s: SandboxState, customer: Customer, pmId: string | null): void {
  const before = customer.invoice_settings.default_payment_method;
  if (before === pmId) return;
  customer.invoice_settings = { ...customer.invoice_settings, default_payment_method: pmId };
  changed(s, 'customer.updated', s.store.customers, customer.id, {
    invoice_settings: { default_payment_method: before },
  });
}
