// /v1/customers and /v1/payment_methods.
import {
  attachPaymentMethod,
  createCardFromToken,
  createCustomer,
  detachPaymentMethod,
  resolvePaymentMethod,
  setDefaultPaymentMethod,
} from '../engine/customers.ts';
import { changed, emitJson } from '../engine/state.ts';
import { invalid, notFound } from '../http/errors.ts';
import type { Ctx, Route } from '../http/router.ts';
import type { PaymentMethod } from '../objects/wire.ts';
import { hash, mergeMetadata, reqStr, str } from '../util/params.ts';
import { deleted, getOr404, listReply, objectReply } from './helpers.ts';

const R = 'customers' as const;
const PM = 'payment_methods' as const;

function create(ctx: Ctx) {
  const s = ctx.state;
  const f = ctx.form;
  const c = createCustomer(s, {
    email: str(f, 'email') ?? null,
    name: str(f, 'name') ?? null,
    description: str(f, 'description') ?? null,
    phone: str(f, 'phone') ?? null,
    metadata: mergeMetadata({}, f),
  });
  const pmToken = str(f, 'payment_method');
  let pmId: string | null = null;
  if (pmToken) pmId = attachPaymentMethod(s, pmToken, c.id).id;
  const defaultPm = str(hash(f, 'invoice_settings') ?? {}, 'default_payment_method');
  if (defaultPm)
    setDefaultPaymentMethod(
      s,
      c,
      defaultPm === pmToken && pmId ? pmId : resolveAttached(ctx, defaultPm, c.id),
    );
  return objectReply(ctx, s.store.customers, c.id);
}

/** A default payment method must belong to the customer; magic tokens are attached on the fly. */
function resolveAttached(ctx: Ctx, pmId: string, customerId: string): string {
  const pm = resolvePaymentMethod(ctx.state, pmId, 'invoice_settings[default_payment_method]');
  if (!pm.customer) attachPaymentMethod(ctx.state, pm.id, customerId);
  else if (pm.customer !== customerId) {
    throw invalid(
      `The payment method \`${pmId}\` does not belong to this customer.`,
      'invoice_settings[default_payment_method]',
    );
  }
  return pm.id;
}

function update(ctx: Ctx) {
  const s = ctx.state;
  const f = ctx.form;
  const c = getOr404(s.store.customers, ctx.params['id']!);
  const prev: Record<string, unknown> = {};
  for (const field of ['email', 'name', 'description', 'phone'] as const) {
    const v = str(f, field);
    if (v === undefined) continue;
    const next = v === '' ? null : v;
    if (c[field] !== next) {
      prev[field] = c[field] ?? null;
      c[field] = next;
    }
  }
  if (f['metadata'] !== undefined) {
    const next = mergeMetadata(c.metadata, f);
    if (JSON.stringify(next) !== JSON.stringify(c.metadata)) {
      prev['metadata'] = c.metadata;
      c.metadata = next;
    }
  }
  const settings = hash(f, 'invoice_settings');
  const defaultPm = settings ? str(settings, 'default_payment_method') : undefined;
  if (Object.keys(prev).length) changed(s, 'customer.updated', s.store.customers, c.id, prev);
  if (defaultPm !== undefined)
    setDefaultPaymentMethod(s, c, defaultPm === '' ? null : resolveAttached(ctx, defaultPm, c.id));
  return objectReply(ctx, s.store.customers, c.id);
}

function remove(ctx: Ctx) {
  const s = ctx.state;
  const c = getOr404(s.store.customers, ctx.params['id']!);
  for (const sub of s.store.subscriptions.all()) {
    if (sub.customer === c.id && sub.status !== 'canceled' && sub.status !== 'incomplete_expired') {
      sub.status = 'canceled';
      sub.canceled_at = s.now;
      sub.ended_at = s.now;
      changed(s, 'customer.subscription.deleted', s.store.subscriptions, sub.id);
    }
  }
  const json = s.store.customers.jsonOf(c.id)!;
  s.store.customers.remove(c.id);
  emitJson(s, 'customer.deleted', json);
  return deleted(c.id, 'customer');
}

function listPaymentMethods(ctx: Ctx, customerId: string | undefined, url: string) {
  const s = ctx.state;
  if (customerId && !s.store.customers.get(customerId)) throw notFound('customer', customerId, 'customer');
  const type = str(ctx.form, 'type');
  const family = s.store.payment_methods;
  return listReply(
    ctx,
    family,
    url,
    type ? (pm) => pm.type === type : undefined,
    customerId ? family.group(customerOfPaymentMethod, customerId) : undefined,
  );
}

const customerOfPaymentMethod = (pm: PaymentMethod) =>
  typeof pm.customer === 'string' ? pm.customer : (pm.customer?.id ?? null);

export const customerRoutes: Route[] = [
  { method: 'POST', pattern: '/v1/customers', resource: R, access: 'write', handler: create },
  {
    method: 'GET',
    pattern: '/v1/customers',
    resource: R,
    access: 'read',
    handler: (ctx) => {
      const email = str(ctx.form, 'email');
      return listReply(
        ctx,
        ctx.state.store.customers,
        '/v1/customers',
        email ? (c) => c.email === email : undefined,
      );
    },
  },
  {
    method: 'GET',
    pattern: '/v1/customers/:id',
    resource: R,
    access: 'read',
    handler: (ctx) => objectReply(ctx, ctx.state.store.customers, ctx.params['id']!),
  },
  { method: 'POST', pattern: '/v1/customers/:id', resource: R, access: 'write', handler: update },
  { method: 'DELETE', pattern: '/v1/customers/:id', resource: R, access: 'write', handler: remove },
  {
    method: 'GET',
    pattern: '/v1/customers/:id/payment_methods',
    resource: PM,
    access: 'read',
    handler: (ctx) =>
      listPaymentMethods(ctx, ctx.params['id']!, `/v1/customers/${ctx.params['id']}/payment_methods`),
  },
  {
    method: 'POST',
    pattern: '/v1/payment_methods',
    resource: PM,
    access: 'write',
    handler: (ctx) => {
      const card = hash(ctx.form, 'card');
      const token = card ? str(card, 'token') : undefined;
      if (str(ctx.form, 'type') !== 'card' || !token) {
        throw invalid(
          'The sandbox creates card payment methods from test tokens only: type=card&card[token]=tok_visa.',
          'card[token]',
        );
      }
      const pm = createCardFromToken(ctx.state, token);
      return objectReply(ctx, ctx.state.store.payment_methods, pm.id);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/payment_methods',
    resource: PM,
    access: 'read',
    handler: (ctx) => listPaymentMethods(ctx, str(ctx.form, 'customer'), '/v1/payment_methods'),
  },
  {
    method: 'GET',
    pattern: '/v1/payment_methods/:id',
    resource: PM,
    access: 'read',
    handler: (ctx) => objectReply(ctx, ctx.state.store.payment_methods, ctx.params['id']!),
  },
  {
    method: 'POST',
    pattern: '/v1/payment_methods/:id',
    resource: PM,
    access: 'write',
    handler: (ctx) => {
      const pm = getOr404(ctx.state.store.payment_methods, ctx.params['id']!);
      const prev = { metadata: pm.metadata };
      pm.metadata = mergeMetadata(pm.metadata ?? {}, ctx.form);
      changed(ctx.state, 'payment_method.updated', ctx.state.store.payment_methods, pm.id, prev);
      return objectReply(ctx, ctx.state.store.payment_methods, pm.id);
    },
  },
  {
    method: 'POST',
    pattern: '/v1/payment_methods/:id/attach',
    resource: PM,
    access: 'write',
    handler: (ctx) => {
      const pm = attachPaymentMethod(ctx.state, ctx.params['id']!, reqStr(ctx.form, 'customer'));
      return objectReply(ctx, ctx.state.store.payment_methods, pm.id);
    },
  },
  {
    method: 'POST',
    pattern: '/v1/payment_methods/:id/detach',
    resource: PM,
    access: 'write',
    handler: (ctx) =>
      objectReply(ctx, ctx.state.store.payment_methods, detachPaymentMethod(ctx.state, ctx.params['id']!).id),
  },
];
