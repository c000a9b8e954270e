// /v1/invoices (+ lines, finalize, pay, void, mark_uncollectible), /v1/invoiceitems, /v1/invoice_payments.
import { resolvePaymentMethod } from '../engine/customers.ts';
import { createInvoice, finalizeInvoice, markUncollectible, voidInvoice } from '../engine/invoices.ts';
import { attemptInvoice } from '../engine/pay.ts';
import { changed, emitJson } from '../engine/state.ts';
import { invalid, notFound } from '../http/errors.ts';
import type { Ctx, Route } from '../http/router.ts';
import { newInvoiceItem } from '../objects/invoice.ts';
import { listJson, paginateArray, parseCreated, parseListQuery } from '../store/list.ts';
import { bool, int, mergeMetadata, oneOf, reqStr, str } from '../util/params.ts';
import { deleted, getOr404, listReply, objectReply } from './helpers.ts';

const R = 'invoices' as const;
const II = 'invoice_items' as const;

function create(ctx: Ctx) {
  const s = ctx.state;
  const f = ctx.form;
  const customer = getOr404(s.store.customers, reqStr(f, 'customer'), 'customer');
  const subId = str(f, 'subscription');
  const sub = subId ? getOr404(s.store.subscriptions, subId, 'subscription') : null;
  const inv = createInvoice(s, {
    customerId: customer.id,
    currency: str(f, 'currency') ?? sub?.currency ?? 'usd',
    subscription: null,
    billingReason: 'manual',
    collectionMethod:
      oneOf(f, 'collection_method', ['charge_automatically', 'send_invoice'] as const) ??
      'charge_automatically',
    daysUntilDue: int(f, 'days_until_due', 0) ?? null,
    periodStart: s.now,
    periodEnd: s.now,
    includePendingItems: (str(f, 'pending_invoice_items_behavior') ?? 'exclude') === 'include',
    description: str(f, 'description') ?? null,
  });
  inv.auto_advance = bool(f, 'auto_advance') ?? false;
  inv.metadata = mergeMetadata({}, f);
  s.store.invoices.touch(inv.id);
  return objectReply(ctx, s.store.invoices, inv.id);
}

function invoiceOf(ctx: Ctx) {
  return getOr404(ctx.state.store.invoices, ctx.params['id']!);
}

function pay(ctx: Ctx) {
  const s = ctx.state;
  const inv = invoiceOf(ctx);
  if (inv.status === 'paid') throw invalid('Invoice is already paid.', undefined, 'invoice_already_paid');
  if (inv.status === 'draft') finalizeInvoice(s, inv);
  if (inv.status !== 'open' && inv.status !== 'uncollectible') {
    throw invalid(
      `You cannot pay this invoice because it is ${inv.status}.`,
      undefined,
      'invoice_not_editable',
    );
  }
  if (inv.status === 'open' || inv.status === 'uncollectible') {
    if (bool(ctx.form, 'paid_out_of_band')) {
      inv.status = 'paid';
      inv.amount_remaining = 0;
      inv.status_transitions = { ...inv.status_transitions, paid_at: s.now };
      changed(s, 'invoice.paid', s.store.invoices, inv.id);
    } else {
      const pmId = str(ctx.form, 'payment_method');
      attemptInvoice(s, inv, {
        manual: true,
        paymentMethod: pmId ? resolvePaymentMethod(s, pmId) : undefined,
      });
    }
  }
  return objectReply(ctx, s.store.invoices, inv.id);
}

function listInvoices(ctx: Ctx) {
  const f = ctx.form;
  const customer = str(f, 'customer');
  const subscription = str(f, 'subscription');
  const status = str(f, 'status');
  const collection = str(f, 'collection_method');
  const due = parseCreated(f, 'due_date');
  return listReply(ctx, ctx.state.store.invoices, '/v1/invoices', (inv) => {
    if (customer && inv.customer !== customer) return false;
    if (subscription && inv.parent?.subscription_details?.subscription !== subscription) return false;
    if (status && inv.status !== status) return false;
    if (collection && inv.collection_method !== collection) return false;
    if (due.gte !== -Infinity || due.lt !== Infinity) {
      if (inv.due_date === null || inv.due_date < due.gte || inv.due_date >= due.lt) return false;
    }
    return true;
  });
}

function createInvoiceItem(ctx: Ctx) {
  const s = ctx.state;
  const f = ctx.form;
  const customer = getOr404(s.store.customers, reqStr(f, 'customer'), 'customer');
  const priceId = str(f, 'price') ?? str(f, 'pricing');
  const price = priceId ? getOr404(s.store.prices, priceId, 'price') : null;
  const quantity = int(f, 'quantity', 1) ?? 1;
  const amount = int(f, 'amount') ?? (price ? (price.unit_amount ?? 0) * quantity : null);
  if (amount === null)
    throw invalid('You must specify either `amount` or `price`.', 'amount', 'parameter_missing');
  const invoiceId = str(f, 'invoice');
  const invoice = invoiceId ? getOr404(s.store.invoices, invoiceId, 'invoice') : null;
  if (invoice && invoice.status !== 'draft')
    throw invalid('You can only add invoice items to draft invoices.', 'invoice', 'invoice_not_editable');
  const ii = newInvoiceItem({
    id: s.newId('ii_'),
    created: s.now,
    customer: customer.id,
    amount,
    currency: (str(f, 'currency') ?? price?.currency ?? 'usd').toLowerCase(),
    description: str(f, 'description') ?? null,
    quantity,
    price: price
      ? { id: price.id, product: price.product as string, unit_amount_decimal: price.unit_amount_decimal }
      : null,
    invoice: null,
    subscription: str(f, 'subscription') ?? null,
    metadata: mergeMetadata({}, f),
  });
  s.store.invoiceitems.insert(ii);
  const pending = s.store.pendingItems.get(customer.id) ?? [];
  pending.push(ii.id);
  s.store.pendingItems.set(customer.id, pending);
  changed(s, 'invoiceitem.created', s.store.invoiceitems, ii.id);
  return objectReply(ctx, s.store.invoiceitems, ii.id);
}

export const invoiceRoutes: Route[] = [
  { method: 'POST', pattern: '/v1/invoices', resource: R, access: 'write', handler: create },
  { method: 'GET', pattern: '/v1/invoices', resource: R, access: 'read', handler: listInvoices },
  {
    method: 'GET',
    pattern: '/v1/invoices/:id',
    resource: R,
    access: 'read',
    handler: (ctx) => objectReply(ctx, ctx.state.store.invoices, ctx.params['id']!),
  },
  {
    method: 'POST',
    pattern: '/v1/invoices/:id',
    resource: R,
    access: 'write',
    handler: (ctx) => {
      const inv = invoiceOf(ctx);
      const prev: Record<string, unknown> = {};
      if (ctx.form['metadata'] !== undefined) {
        prev['metadata'] = inv.metadata;
        inv.metadata = mergeMetadata(inv.metadata ?? {}, ctx.form);
      }
      const desc = str(ctx.form, 'description');
      if (desc !== undefined) {
        prev['description'] = inv.description;
        inv.description = desc || null;
      }
      changed(ctx.state, 'invoice.updated', ctx.state.store.invoices, inv.id, prev);
      return objectReply(ctx, ctx.state.store.invoices, inv.id);
    },
  },
  {
    method: 'DELETE',
    pattern: '/v1/invoices/:id',
    resource: R,
    access: 'write',
    handler: (ctx) => {
      const s = ctx.state;
      const inv = invoiceOf(ctx);
      if (inv.status !== 'draft')
        throw invalid('You can only delete draft invoices.', undefined, 'invoice_not_editable');
      const json = s.store.invoices.jsonOf(inv.id)!;
      s.store.invoices.remove(inv.id);
      emitJson(s, 'invoice.deleted', json);
      return deleted(inv.id, 'invoice');
    },
  },
  {
    method: 'GET',
    pattern: '/v1/invoices/:id/lines',
    resource: R,
    access: 'read',
    handler: (ctx) => {
      const inv = invoiceOf(ctx);
      const page = paginateArray(ctx.state.store.invoiceLines.get(inv.id) ?? [], parseListQuery(ctx.form));
      return {
        status: 200,
        body: listJson(
          `/v1/invoices/${inv.id}/lines`,
          page.data.map((l) => JSON.stringify(l)),
          page.hasMore,
        ),
      };
    },
  },
  {
    method: 'POST',
    pattern: '/v1/invoices/:id/finalize',
    resource: R,
    access: 'write',
    handler: (ctx) => {
      finalizeInvoice(ctx.state, invoiceOf(ctx));
      return objectReply(ctx, ctx.state.store.invoices, ctx.params['id']!);
    },
  },
  { method: 'POST', pattern: '/v1/invoices/:id/pay', resource: R, access: 'write', handler: pay },
  {
    method: 'POST',
    pattern: '/v1/invoices/:id/void',
    resource: R,
    access: 'write',
    handler: (ctx) => {
      voidInvoice(ctx.state, invoiceOf(ctx));
      return objectReply(ctx, ctx.state.store.invoices, ctx.params['id']!);
    },
  },
  {
    method: 'POST',
    pattern: '/v1/invoices/:id/mark_uncollectible',
    resource: R,
    access: 'write',
    handler: (ctx) => {
      markUncollectible(ctx.state, invoiceOf(ctx));
      return objectReply(ctx, ctx.state.store.invoices, ctx.params['id']!);
    },
  },
  {
    method: 'POST',
    pattern: '/v1/invoices/:id/send',
    resource: R,
    access: 'write',
    handler: (ctx) => {
      const inv = invoiceOf(ctx);
      if (inv.status !== 'open')
        throw invalid('You can only send open invoices.', undefined, 'invoice_not_editable');
      changed(ctx.state, 'invoice.sent', ctx.state.store.invoices, inv.id);
      return objectReply(ctx, ctx.state.store.invoices, inv.id);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/invoice_payments',
    resource: R,
    access: 'read',
    handler: (ctx) => {
      const invoice = str(ctx.form, 'invoice');
      return listReply(
        ctx,
        ctx.state.store.invoice_payments,
        '/v1/invoice_payments',
        invoice ? (p) => p.invoice === invoice : undefined,
      );
    },
  },
  {
    method: 'GET',
    pattern: '/v1/invoice_payments/:id',
    resource: R,
    access: 'read',
    handler: (ctx) => objectReply(ctx, ctx.state.store.invoice_payments, ctx.params['id']!),
  },
  { method: 'POST', pattern: '/v1/invoiceitems', resource: II, access: 'write', handler: createInvoiceItem },
  {
    method: 'GET',
    pattern: '/v1/invoiceitems',
    resource: II,
    access: 'read',
    handler: (ctx) => {
      const customer = str(ctx.form, 'customer');
      const invoice = str(ctx.form, 'invoice');
      const pending = bool(ctx.form, 'pending');
      return listReply(
        ctx,
        ctx.state.store.invoiceitems,
        '/v1/invoiceitems',
        (ii) =>
          (!customer || ii.customer === customer) &&
          (!invoice || ii.invoice === invoice) &&
          (pending === undefined || (ii.invoice === null) === pending),
      );
    },
  },
  {
    method: 'GET',
    pattern: '/v1/invoiceitems/:id',
    resource: II,
    access: 'read',
    handler: (ctx) => objectReply(ctx, ctx.state.store.invoiceitems, ctx.params['id']!),
  },
  {
    method: 'POST',
    pattern: '/v1/invoiceitems/:id',
    resource: II,
    access: 'write',
    handler: (ctx) => {
      const ii = getOr404(ctx.state.store.invoiceitems, ctx.params['id']!);
      const prev = { metadata: ii.metadata, description: ii.description };
      ii.metadata = mergeMetadata(ii.metadata ?? {}, ctx.form);
      ii.description = str(ctx.form, 'description') ?? ii.description;
      changed(ctx.state, 'invoiceitem.updated', ctx.state.store.invoiceitems, ii.id, prev);
      return objectReply(ctx, ctx.state.store.invoiceitems, ii.id);
    },
  },
  {
    method: 'DELETE',
    pattern: '/v1/invoiceitems/:id',
    resource: II,
    access: 'write',
    handler: (ctx) => {
      const s = ctx.state;
      const ii = s.store.invoiceitems.get(ctx.params['id']!);
      if (!ii) throw notFound('invoiceitem', ctx.params['id']!);
      if (ii.invoice)
        throw invalid(
          'You can only delete invoice items that are not on an invoice.',
          undefined,
          'invoice_not_editable',
        );
      const json = s.store.invoiceitems.jsonOf(ii.id)!;
      s.store.invoiceitems.remove(ii.id);
      emitJson(s, 'invoiceitem.deleted', json);
      return deleted(ii.id, 'invoiceitem');
    },
  },
];
