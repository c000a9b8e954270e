// Building, finalising, voiding invoices, and pulling pending invoice items into them.
import { invalid } from '../http/errors.ts';
import { newInvoice, newLineItem } from '../objects/invoice.ts';
import {
  type Discount,
  type Invoice,
  type InvoiceLineItem,
  nestedList,
  type Subscription,
} from '../objects/wire.ts';
import { couponDiscount, priceAmount } from './amounts.ts';
import { changed, type SandboxState } from './state.ts';

export type InvoiceSpec = {
  customerId: string;
  currency: string;
  subscription: Subscription | null;
  billingReason: Invoice['billing_reason'];
  collectionMethod: Invoice['collection_method'];
  daysUntilDue: number | null;
  periodStart: number;
  periodEnd: number;
  includePendingItems: boolean;
  description?: string | null;
};

export function createInvoice(s: SandboxState, spec: InvoiceSpec): Invoice {
  const customer = s.store.customers.get(spec.customerId)!;
  const id = s.newId('in_');
  const lines: InvoiceLineItem[] = [];
  const sub = spec.subscription;
  if (sub) {
    for (const item of s.store.subscriptionItems.get(sub.id) ?? []) {
      const price = item.price;
      const qty = item.quantity ?? 1;
      const amount =
        spec.billingReason === 'subscription_create' && sub.status === 'trialing'
          ? 0
          : priceAmount(price, s.store.priceTiers.get(price.id), qty);
      const productName = s.store.products.get(price.product as string)?.name ?? 'Subscription';
      lines.push(
        newLineItem({
          id: s.newId('il_'),
          invoice: id,
          amount,
          currency: spec.currency,
          description: `${qty} × ${productName}${amount === 0 && sub.status === 'trialing' ? ' (trial)' : ''}`,
          quantity: qty,
          periodStart: item.current_period_start,
          periodEnd: item.current_period_end,
          price: {
            id: price.id,
            product: price.product as string,
            unit_amount_decimal: price.unit_amount_decimal,
          },
          subscription: sub.id,
          subscriptionItem: item.id,
          invoiceItem: null,
        }),
      );
    }
  }
  if (spec.includePendingItems) {
    const pending = s.store.pendingItems.get(spec.customerId) ?? [];
    const keep: string[] = [];
    for (const iiId of pending) {
      const ii = s.store.invoiceitems.get(iiId);
      if (!ii || ii.invoice !== null) continue;
      if (ii.currency !== spec.currency) {
        keep.push(iiId);
        continue;
      }
      ii.invoice = id;
      s.store.invoiceitems.touch(ii.id);
      lines.push(
        newLineItem({
          id: s.newId('il_'),
          invoice: id,
          amount: ii.amount,
          currency: ii.currency,
          description: ii.description ?? 'Invoice item',
          quantity: ii.quantity,
          periodStart: ii.period.start,
          periodEnd: ii.period.end,
          price: ii.pricing?.price_details
            ? {
                id: ii.pricing.price_details.price as string,
                product: ii.pricing.price_details.product,
                unit_amount_decimal: ii.pricing.unit_amount_decimal,
              }
            : { id: '', product: '', unit_amount_decimal: null },
          subscription: sub?.id ?? null,
          subscriptionItem: null,
          invoiceItem: ii.id,
        }),
      );
    }
    s.store.pendingItems.set(spec.customerId, keep);
  }
  const subtotal = lines.reduce((t, l) => t + l.amount, 0);
  const discounts = sub ? activeDiscounts(s, sub, spec.periodStart) : [];
  let discountAmount = 0;
  for (const d of discounts) {
    const coupon = s.store.coupons.get(d.source.coupon as string);
    if (coupon) discountAmount += couponDiscount(coupon, subtotal - discountAmount, spec.currency);
  }
  const invoice = newInvoice({
    id,
    created: s.now,
    customer: {
      id: customer.id,
      email: customer.email,
      name: customer.name ?? null,
      phone: customer.phone ?? null,
    },
    currency: spec.currency,
    subscription: sub?.id ?? null,
    billingReason: spec.billingReason,
    collectionMethod: spec.collectionMethod,
    dueDate: spec.collectionMethod === 'send_invoice' ? s.now + (spec.daysUntilDue ?? 30) * 86400 : null,
    periodStart: spec.periodStart,
    periodEnd: spec.periodEnd,
    lines,
    discountAmount,
    discounts: discounts.map((d) => d.id),
    defaultPaymentMethod: null,
    description: spec.description,
  });
  s.store.invoiceLines.set(id, lines);
  s.store.invoices.insert(invoice);
  changed(s, 'invoice.created', s.store.invoices, id);
  return invoice;
}

/** Discounts that still apply to an invoice for a period starting at `periodStart`. */
function activeDiscounts(s: SandboxState, sub: Subscription, periodStart: number): Discount[] {
  const out: Discount[] = [];
  for (const d of sub.discounts) {
    if (typeof d === 'string') continue;
    if (d.end !== null && periodStart >= d.end) continue;
    const coupon = s.store.coupons.get(d.source.coupon as string);
    if (!coupon) continue;
    out.push(d);
  }
  return out;
}

export function setLines(s: SandboxState, invoice: Invoice, lines: InvoiceLineItem[]): void {
  s.store.invoiceLines.set(invoice.id, lines);
  invoice.lines = nestedList(`/v1/invoices/${invoice.id}/lines`, lines);
}

export function finalizeInvoice(s: SandboxState, invoice: Invoice): void {
  if (invoice.status !== 'draft') {
    throw invalid(
      `This invoice is already finalized, you can't re-finalize a non-draft invoice.`,
      undefined,
      'invoice_not_editable',
    );
  }
  const customer = s.store.customers.get(invoice.customer as string)!;
  invoice.status = 'open';
  invoice.number = `${customer.invoice_prefix}-${String(customer.next_invoice_sequence ?? 1).padStart(4, '0')}`;
  customer.next_invoice_sequence = (customer.next_invoice_sequence ?? 1) + 1;
  s.store.customers.touch(customer.id);
  invoice.effective_at = s.now;
  invoice.status_transitions = { ...invoice.status_transitions, finalized_at: s.now };
  invoice.hosted_invoice_url = `https://invoice.stripe.com/i/sandbox/${invoice.id}`;
  invoice.invoice_pdf = `https://pay.stripe.com/invoice/sandbox/${invoice.id}/pdf`;
  if (invoice.amount_due === 0) {
    // Zero-amount invoices (trials, full discounts) are paid on finalisation.
    changed(s, 'invoice.finalized', s.store.invoices, invoice.id);
    markPaid(s, invoice, 0);
    return;
  }
  changed(s, 'invoice.finalized', s.store.invoices, invoice.id);
}

export function markPaid(s: SandboxState, invoice: Invoice, amount: number): void {
  invoice.status = 'paid';
  invoice.amount_paid += amount;
  invoice.amount_remaining = 0;
  invoice.next_payment_attempt = null;
  invoice.auto_advance = false;
  invoice.status_transitions = { ...invoice.status_transitions, paid_at: s.now };
  changed(s, 'invoice.paid', s.store.invoices, invoice.id);
  changed(s, 'invoice.payment_succeeded', s.store.invoices, invoice.id);
}

export function voidInvoice(s: SandboxState, invoice: Invoice): void {
  if (invoice.status !== 'open' && invoice.status !== 'uncollectible') {
    throw invalid(
      `You can only void an open or uncollectible invoice. This invoice is ${invoice.status}.`,
      undefined,
      'invoice_not_editable',
    );
  }
  invoice.status = 'void';
  invoice.amount_remaining = 0;
  invoice.next_payment_attempt = null;
  invoice.auto_advance = false;
  invoice.status_transitions = { ...invoice.status_transitions, voided_at: s.now };
  changed(s, 'invoice.voided', s.store.invoices, invoice.id);
}

export function markUncollectible(s: SandboxState, invoice: Invoice): void {
  if (invoice.status !== 'open') {
    throw invalid(
      `You can only mark an open invoice uncollectible. This invoice is ${invoice.status}.`,
      undefined,
      'invoice_not_editable',
    );
  }
  invoice.status = 'uncollectible';
  invoice.next_payment_attempt = null;
  invoice.auto_advance = false;
  invoice.status_transitions = { ...invoice.status_transitions, marked_uncollectible_at: s.now };
  changed(s, 'invoice.marked_uncollectible', s.store.invoices, invoice.id);
}
