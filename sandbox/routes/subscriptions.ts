// /v1/subscriptions and /v1/subscription_items.
import { resolvePaymentMethod } from '../engine/customers.ts';
import { changed } from '../engine/state.ts';
import {
  cancelSubscription,
  createSubscription,
  type ItemsUpdate,
  scheduleCancelAt,
  scheduleRenewal,
  scheduleTrialWillEnd,
  updateItems,
} from '../engine/subscriptions.ts';
import { invalid, missingParam, notFound } from '../http/errors.ts';
import type { Ctx, Route } from '../http/router.ts';
import { newDiscount } from '../objects/catalog.ts';
import { listJson, paginateArray, parseListQuery } from '../store/list.ts';
import type { Form } from '../util/form.ts';
import { bool, hash, int, list, mergeMetadata, oneOf, reqStr, str } from '../util/params.ts';
import { getOr404, listReply, objectReply } from './helpers.ts';

const R = 'subscriptions' as const;

function parseItems(ctx: Ctx): ItemsUpdate {
  const raw = list(ctx.form, 'items') ?? [];
  return raw.map((r, i) => {
    const f = r as Form;
    const priceId = str(f, 'price') ?? str(f, 'plan');
    const price = priceId ? ctx.state.store.prices.get(priceId) : undefined;
    if (priceId && !price) throw notFound('price', priceId, `items[${i}][price]`);
    return {
      id: str(f, 'id'),
      price,
      quantity: int(f, 'quantity', 0) ?? undefined,
      deleted: bool(f, 'deleted'),
    };
  });
}

function defaultPm(ctx: Ctx, customer: string): string | null | undefined {
  const v = str(ctx.form, 'default_payment_method');
  if (v === undefined) return undefined;
  if (v === '') return null;
  const pm = resolvePaymentMethod(ctx.state, v, 'default_payment_method');
  if (pm.customer !== customer) {
    throw invalid(
      `The customer does not have a payment method with the ID ${v}. The payment method must be attached to the customer.`,
      'default_payment_method',
      'resource_missing',
    );
  }
  return pm.id;
}

function couponParam(ctx: Ctx): string | null {
  const discounts = list(ctx.form, 'discounts');
  const coupon =
    str(ctx.form, 'coupon') ?? (discounts?.[0] ? str(discounts[0] as Form, 'coupon') : undefined);
  if (!coupon) return null;
  if (!ctx.state.store.coupons.get(coupon)) throw notFound('coupon', coupon, 'coupon');
  return coupon;
}

function create(ctx: Ctx) {
  const s = ctx.state;
  const f = ctx.form;
  const customer = reqStr(f, 'customer');
  if (!s.store.customers.get(customer)) throw notFound('customer', customer, 'customer');
  const items = parseItems(ctx);
  if (items.length === 0 || !items[0]!.price) throw missingParam('items');
  const trialDays = int(f, 'trial_period_days', 0, 730);
  const trialEndRaw = str(f, 'trial_end');
  const trialEnd =
    trialEndRaw === 'now'
      ? null
      : trialEndRaw
        ? Number(trialEndRaw)
        : trialDays
          ? s.now + trialDays * 86400
          : null;
  if (trialEnd !== null && !(trialEnd > s.now))
    throw invalid('Invalid timestamp: must be an integer Unix timestamp in the future.', 'trial_end');
  const sub = createSubscription(s, {
    customer,
    items: items.map((it) => ({ price: it.price!, quantity: it.quantity ?? 1 })),
    defaultPaymentMethod: defaultPm(ctx, customer) ?? null,
    trialEnd,
    coupon: couponParam(ctx),
    collectionMethod:
      oneOf(f, 'collection_method', ['charge_automatically', 'send_invoice'] as const) ??
      'charge_automatically',
    daysUntilDue: int(f, 'days_until_due', 0) ?? null,
    cancelAtPeriodEnd: bool(f, 'cancel_at_period_end') ?? false,
    cancelAt: int(f, 'cancel_at') ?? null,
    metadata: mergeMetadata({}, f),
    description: str(f, 'description') ?? null,
  });
  return objectReply(ctx, s.store.subscriptions, sub.id);
}

function update(ctx: Ctx) {
  const s = ctx.state;
  const f = ctx.form;
  const sub = getOr404(s.store.subscriptions, ctx.params['id']!);
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired') {
    throw invalid(
      'A canceled subscription can only update its cancellation_details and metadata.',
      undefined,
      'resource_missing',
    );
  }
  const prev: Record<string, unknown> = {};
  const set = <K extends keyof typeof sub>(k: K, v: (typeof sub)[K]) => {
    if (JSON.stringify(sub[k]) === JSON.stringify(v)) return;
    prev[k as string] = sub[k];
    sub[k] = v;
  };
  const cape = bool(f, 'cancel_at_period_end');
  if (cape !== undefined) {
    set('cancel_at_period_end', cape);
    set('canceled_at', cape ? s.now : null);
  }
  const cancelAt = int(f, 'cancel_at');
  if (cancelAt !== undefined) {
    set('cancel_at', cancelAt);
    set('canceled_at', cancelAt === null ? null : s.now);
  }
  const pm = defaultPm(ctx, sub.customer as string);
  if (pm !== undefined) set('default_payment_method', pm);
  if (f['pause_collection'] !== undefined) {
    const pc = hash(f, 'pause_collection');
    set(
      'pause_collection',
      pc
        ? {
            behavior:
              oneOf(pc, 'behavior', ['keep_as_draft', 'mark_uncollectible', 'void'] as const) ?? 'void',
            resumes_at: int(pc, 'resumes_at') ?? null,
          }
        : null,
    );
  }
  if (f['metadata'] !== undefined) set('metadata', mergeMetadata(sub.metadata, f));
  const desc = str(f, 'description');
  if (desc !== undefined) set('description', desc || null);
  const trialEnd = str(f, 'trial_end');
  if (trialEnd !== undefined && sub.status === 'trialing') {
    const end = trialEnd === 'now' ? s.now : Number(trialEnd);
    set('trial_end', end);
    for (const it of s.store.subscriptionItems.get(sub.id) ?? []) it.current_period_end = end;
  }
  const coupon = couponParam(ctx);
  if (coupon)
    set('discounts', [
      newDiscount({
        id: s.newId('di_'),
        coupon: s.store.coupons.get(coupon)!,
        customer: sub.customer as string,
        subscription: sub.id,
        start: s.now,
      }),
    ]);
  if (f['items'] !== undefined) {
    prev['items'] = JSON.parse(JSON.stringify(sub.items));
    updateItems(s, sub, parseItems(ctx));
  }
  if (Object.keys(prev).length)
    changed(s, 'customer.subscription.updated', s.store.subscriptions, sub.id, prev);
  if ('cancel_at' in prev && sub.cancel_at) scheduleCancelAt(s, sub);
  if ('trial_end' in prev) {
    if (sub.trial_end! - 3 * 86400 > s.now) scheduleTrialWillEnd(s, sub);
    // Renewal is keyed on the period end, so re-arm it for the new trial end.
    scheduleRenewal(s, sub);
  }
  return objectReply(ctx, s.store.subscriptions, sub.id);
}

function listSubscriptions(ctx: Ctx) {
  const f = ctx.form;
  const customer = str(f, 'customer');
  const price = str(f, 'price');
  const status = str(f, 'status');
  const collection = str(f, 'collection_method');
  return listReply(ctx, ctx.state.store.subscriptions, '/v1/subscriptions', (sub) => {
    if (customer && sub.customer !== customer) return false;
    if (collection && sub.collection_method !== collection) return false;
    if (status === 'all') {
      /* every status */
    } else if (status === 'ended') {
      if (sub.status !== 'canceled' && sub.status !== 'incomplete_expired') return false;
    } else if (status) {
      if (sub.status !== status) return false;
    } else if (sub.status === 'canceled' || sub.status === 'incomplete_expired') return false;
    if (price && !(ctx.state.store.subscriptionItems.get(sub.id) ?? []).some((it) => it.price.id === price))
      return false;
    return true;
  });
}

export const subscriptionRoutes: Route[] = [
  { method: 'POST', pattern: '/v1/subscriptions', resource: R, access: 'write', handler: create },
  { method: 'GET', pattern: '/v1/subscriptions', resource: R, access: 'read', handler: listSubscriptions },
  {
    method: 'GET',
    pattern: '/v1/subscriptions/:id',
    resource: R,
    access: 'read',
    handler: (ctx) => objectReply(ctx, ctx.state.store.subscriptions, ctx.params['id']!),
  },
  { method: 'POST', pattern: '/v1/subscriptions/:id', resource: R, access: 'write', handler: update },
  {
    method: 'DELETE',
    pattern: '/v1/subscriptions/:id',
    resource: R,
    access: 'write',
    handler: (ctx) => {
      const sub = getOr404(ctx.state.store.subscriptions, ctx.params['id']!);
      cancelSubscription(ctx.state, sub, 'cancellation_requested');
      return objectReply(ctx, ctx.state.store.subscriptions, sub.id);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/subscription_items',
    resource: R,
    access: 'read',
    handler: (ctx) => {
      const subId = reqStr(ctx.form, 'subscription');
      getOr404(ctx.state.store.subscriptions, subId, 'subscription');
      const page = paginateArray(
        ctx.state.store.subscriptionItems.get(subId) ?? [],
        parseListQuery(ctx.form),
      );
      return {
        status: 200,
        body: listJson(
          `/v1/subscription_items`,
          page.data.map((x) => JSON.stringify(x)),
          page.hasMore,
        ),
      };
    },
  },
  {
    method: 'GET',
    pattern: '/v1/subscription_items/:id',
    resource: R,
    access: 'read',
    handler: (ctx) => objectReply(ctx, ctx.state.store.subscription_items, ctx.params['id']!),
  },
];
