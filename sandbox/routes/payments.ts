// /v1/payment_intents, /v1/charges, /v1/refunds, /v1/disputes, /v1/payouts,
// /v1/balance_transactions, /v1/credit_notes.
import { resolvePaymentMethod } from '../engine/customers.ts';
import { closeDispute, createCreditNote, createRefund } from '../engine/money.ts';
import { confirmPaymentIntent, createPaymentIntent } from '../engine/pay.ts';
import { changed } from '../engine/state.ts';
import { ApiError, invalid, missingParam } from '../http/errors.ts';
import type { Ctx, Route } from '../http/router.ts';
import { listJson, paginateArray, parseListQuery } from '../store/list.ts';
import { bool, int, mergeMetadata, oneOf, reqStr, str } from '../util/params.ts';
import { getOr404, listReply, objectReply } from './helpers.ts';

function confirm(ctx: Ctx, piId: string) {
  const s = ctx.state;
  const pi = getOr404(s.store.payment_intents, piId);
  if (pi.status === 'succeeded')
    throw invalid('This PaymentIntent has already succeeded.', undefined, 'payment_intent_unexpected_state');
  const pmId = str(ctx.form, 'payment_method') ?? (pi.payment_method as string | null);
  if (!pmId) throw missingParam('payment_method');
  const pm = resolvePaymentMethod(s, pmId);
  const result = confirmPaymentIntent(s, pi, pm);
  if (result.decline) {
    throw new ApiError(402, 'card_error', result.decline.message, {
      code: result.decline.code,
      decline_code: result.decline.decline_code,
      charge: result.charge?.id,
      payment_intent: JSON.parse(s.store.payment_intents.jsonOf(pi.id)!),
    });
  }
  return objectReply(ctx, s.store.payment_intents, pi.id);
}

function createPi(ctx: Ctx) {
  const s = ctx.state;
  const f = ctx.form;
  const amount = int(f, 'amount', 1);
  if (amount === undefined || amount === null) throw missingParam('amount');
  const customer = str(f, 'customer') ?? null;
  if (customer) getOr404(s.store.customers, customer, 'customer');
  const pmId = str(f, 'payment_method');
  const pm = pmId ? resolvePaymentMethod(s, pmId) : null;
  const pi = createPaymentIntent(s, {
    amount,
    currency: reqStr(f, 'currency').toLowerCase(),
    customer,
    paymentMethod: pm?.id ?? null,
    description: str(f, 'description') ?? null,
  });
  pi.metadata = mergeMetadata({}, f);
  s.store.payment_intents.touch(pi.id);
  if (bool(f, 'confirm')) return confirm(ctx, pi.id);
  return objectReply(ctx, s.store.payment_intents, pi.id);
}

const cust = (ctx: Ctx) => str(ctx.form, 'customer');

export const paymentRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/payment_intents',
    resource: 'payment_intents',
    access: 'write',
    handler: createPi,
  },
  {
    method: 'GET',
    pattern: '/v1/payment_intents',
    resource: 'payment_intents',
    access: 'read',
    handler: (ctx) => {
      const c = cust(ctx);
      return listReply(
        ctx,
        ctx.state.store.payment_intents,
        '/v1/payment_intents',
        c ? (pi) => pi.customer === c : undefined,
      );
    },
  },
  {
    method: 'GET',
    pattern: '/v1/payment_intents/:id',
    resource: 'payment_intents',
    access: 'read',
    handler: (ctx) => objectReply(ctx, ctx.state.store.payment_intents, ctx.params['id']!),
  },
  {
    method: 'POST',
    pattern: '/v1/payment_intents/:id',
    resource: 'payment_intents',
    access: 'write',
    handler: (ctx) => {
      const pi = getOr404(ctx.state.store.payment_intents, ctx.params['id']!);
      const prev = { metadata: pi.metadata };
      pi.metadata = mergeMetadata(pi.metadata, ctx.form);
      changed(ctx.state, 'payment_intent.updated', ctx.state.store.payment_intents, pi.id, prev);
      return objectReply(ctx, ctx.state.store.payment_intents, pi.id);
    },
  },
  {
    method: 'POST',
    pattern: '/v1/payment_intents/:id/confirm',
    resource: 'payment_intents',
    access: 'write',
    handler: (ctx) => confirm(ctx, ctx.params['id']!),
  },
  {
    method: 'POST',
    pattern: '/v1/payment_intents/:id/cancel',
    resource: 'payment_intents',
    access: 'write',
    handler: (ctx) => {
      const s = ctx.state;
      const pi = getOr404(s.store.payment_intents, ctx.params['id']!);
      if (pi.status === 'succeeded')
        throw invalid(
          'You cannot cancel this PaymentIntent because it has a status of succeeded.',
          undefined,
          'payment_intent_unexpected_state',
        );
      if (pi.status !== 'canceled') {
        pi.status = 'canceled';
        pi.canceled_at = s.now;
        pi.cancellation_reason =
          oneOf(ctx.form, 'cancellation_reason', [
            'duplicate',
            'fraudulent',
            'requested_by_customer',
            'abandoned',
          ] as const) ?? null;
        changed(s, 'payment_intent.canceled', s.store.payment_intents, pi.id);
      }
      return objectReply(ctx, s.store.payment_intents, pi.id);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/charges',
    resource: 'charges',
    access: 'read',
    handler: (ctx) => {
      const c = cust(ctx);
      const pi = str(ctx.form, 'payment_intent');
      return listReply(
        ctx,
        ctx.state.store.charges,
        '/v1/charges',
        (ch) => (!c || ch.customer === c) && (!pi || ch.payment_intent === pi),
      );
    },
  },
  {
    method: 'GET',
    pattern: '/v1/charges/:id',
    resource: 'charges',
    access: 'read',
    handler: (ctx) => objectReply(ctx, ctx.state.store.charges, ctx.params['id']!),
  },
  {
    method: 'POST',
    pattern: '/v1/charges/:id',
    resource: 'charges',
    access: 'write',
    handler: (ctx) => {
      const ch = getOr404(ctx.state.store.charges, ctx.params['id']!);
      const prev = { metadata: ch.metadata };
      ch.metadata = mergeMetadata(ch.metadata, ctx.form);
      ch.description = str(ctx.form, 'description') ?? ch.description;
      changed(ctx.state, 'charge.updated', ctx.state.store.charges, ch.id, prev);
      return objectReply(ctx, ctx.state.store.charges, ch.id);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/charges/:id/refunds',
    resource: 'refunds',
    access: 'read',
    handler: (ctx) => {
      const ch = getOr404(ctx.state.store.charges, ctx.params['id']!);
      const page = paginateArray(
        ctx.state.store.refunds
          .all()
          .filter((r) => r.charge === ch.id)
          .reverse(),
        parseListQuery(ctx.form),
      );
      return {
        status: 200,
        body: listJson(
          `/v1/charges/${ch.id}/refunds`,
          page.data.map((r) => ctx.state.store.refunds.jsonOf(r.id)!),
          page.hasMore,
        ),
      };
    },
  },
  {
    method: 'POST',
    pattern: '/v1/refunds',
    resource: 'refunds',
    access: 'write',
    handler: (ctx) => {
      const s = ctx.state;
      let chargeId = str(ctx.form, 'charge');
      const piId = str(ctx.form, 'payment_intent');
      if (!chargeId && piId)
        chargeId =
          (getOr404(s.store.payment_intents, piId, 'payment_intent').latest_charge as string | null) ??
          undefined;
      if (!chargeId) throw missingParam('charge');
      const charge = getOr404(s.store.charges, chargeId, 'charge');
      const reason = oneOf(ctx.form, 'reason', ['duplicate', 'fraudulent', 'requested_by_customer'] as const);
      const refund = createRefund(s, charge, {
        amount: int(ctx.form, 'amount', 1) ?? undefined,
        reason,
        metadata: mergeMetadata({}, ctx.form),
      });
      return objectReply(ctx, s.store.refunds, refund.id);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/refunds',
    resource: 'refunds',
    access: 'read',
    handler: (ctx) => {
      const ch = str(ctx.form, 'charge');
      const pi = str(ctx.form, 'payment_intent');
      return listReply(
        ctx,
        ctx.state.store.refunds,
        '/v1/refunds',
        (r) => (!ch || r.charge === ch) && (!pi || r.payment_intent === pi),
      );
    },
  },
  {
    method: 'GET',
    pattern: '/v1/refunds/:id',
    resource: 'refunds',
    access: 'read',
    handler: (ctx) => objectReply(ctx, ctx.state.store.refunds, ctx.params['id']!),
  },
  {
    method: 'GET',
    pattern: '/v1/disputes',
    resource: 'disputes',
    access: 'read',
    handler: (ctx) => {
      const ch = str(ctx.form, 'charge');
      const pi = str(ctx.form, 'payment_intent');
      return listReply(
        ctx,
        ctx.state.store.disputes,
        '/v1/disputes',
        (d) => (!ch || d.charge === ch) && (!pi || d.payment_intent === pi),
      );
    },
  },
  {
    method: 'GET',
    pattern: '/v1/disputes/:id',
    resource: 'disputes',
    access: 'read',
    handler: (ctx) => objectReply(ctx, ctx.state.store.disputes, ctx.params['id']!),
  },
  {
    method: 'POST',
    pattern: '/v1/disputes/:id/close',
    resource: 'disputes',
    access: 'write',
    handler: (ctx) => {
      getOr404(ctx.state.store.disputes, ctx.params['id']!);
      closeDispute(ctx.state, ctx.params['id']!, 'lost');
      return objectReply(ctx, ctx.state.store.disputes, ctx.params['id']!);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/payouts',
    resource: 'payouts',
    access: 'read',
    handler: (ctx) => {
      const status = str(ctx.form, 'status');
      return listReply(
        ctx,
        ctx.state.store.payouts,
        '/v1/payouts',
        status ? (p) => p.status === status : undefined,
      );
    },
  },
  {
    method: 'GET',
    pattern: '/v1/payouts/:id',
    resource: 'payouts',
    access: 'read',
    handler: (ctx) => objectReply(ctx, ctx.state.store.payouts, ctx.params['id']!),
  },
  {
    method: 'GET',
    pattern: '/v1/balance_transactions',
    resource: 'balance_transactions',
    access: 'read',
    handler: (ctx) => {
      const type = str(ctx.form, 'type');
      const source = str(ctx.form, 'source');
      const currency = str(ctx.form, 'currency');
      return listReply(
        ctx,
        ctx.state.store.balance_transactions,
        '/v1/balance_transactions',
        (t) =>
          (!type || t.type === type) &&
          (!source || t.source === source) &&
          (!currency || t.currency === currency),
      );
    },
  },
  {
    method: 'GET',
    pattern: '/v1/balance_transactions/:id',
    resource: 'balance_transactions',
    access: 'read',
    handler: (ctx) => objectReply(ctx, ctx.state.store.balance_transactions, ctx.params['id']!),
  },
  {
    method: 'POST',
    pattern: '/v1/credit_notes',
    resource: 'credit_notes',
    access: 'write',
    handler: (ctx) => {
      const s = ctx.state;
      const inv = getOr404(s.store.invoices, reqStr(ctx.form, 'invoice'), 'invoice');
      const cn = createCreditNote(s, inv, {
        amount: int(ctx.form, 'amount', 1) ?? int(ctx.form, 'refund_amount', 1) ?? undefined,
        reason:
          oneOf(ctx.form, 'reason', [
            'duplicate',
            'fraudulent',
            'order_change',
            'product_unsatisfactory',
          ] as const) ?? null,
        memo: str(ctx.form, 'memo') ?? null,
      });
      return objectReply(ctx, s.store.credit_notes, cn.id);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/credit_notes',
    resource: 'credit_notes',
    access: 'read',
    handler: (ctx) => {
      const c = cust(ctx);
      const inv = str(ctx.form, 'invoice');
      return listReply(
        ctx,
        ctx.state.store.credit_notes,
        '/v1/credit_notes',
        (cn) => (!c || cn.customer === c) && (!inv || cn.invoice === inv),
      );
    },
  },
  {
    method: 'GET',
    pattern: '/v1/credit_notes/:id',
    resource: 'credit_notes',
    access: 'read',
    handler: (ctx) => objectReply(ctx, ctx.state.store.credit_notes, ctx.params['id']!),
  },
  {
    method: 'GET',
    pattern: '/v1/credit_notes/:id/lines',
    resource: 'credit_notes',
    access: 'read',
    handler: (ctx) => {
      const cn = getOr404(ctx.state.store.credit_notes, ctx.params['id']!);
      const page = paginateArray(cn.lines.data, parseListQuery(ctx.form));
      return {
        status: 200,
        body: listJson(
          `/v1/credit_notes/${cn.id}/lines`,
          page.data.map((l) => JSON.stringify(l)),
          page.hasMore,
        ),
      };
    },
  },
];
