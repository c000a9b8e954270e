// /v1/products, /v1/prices, /v1/coupons.
import { tier } from '../engine/amounts.ts';
import { changed, emitJson, type SandboxState } from '../engine/state.ts';
import { invalid, missingParam } from '../http/errors.ts';
import type { Ctx, Route } from '../http/router.ts';
import { newCoupon, newPrice, newProduct } from '../objects/catalog.ts';
import type { Form } from '../util/form.ts';
import { bool, hash, int, list, mergeMetadata, num, oneOf, reqStr, str } from '../util/params.ts';
import { deleted, getOr404, listReply, objectReply } from './helpers.ts';

function createProduct(ctx: Ctx) {
  const s = ctx.state;
  const f = ctx.form;
  const p = newProduct({
    id: str(f, 'id') || s.newId('prod_'),
    created: s.now,
    name: reqStr(f, 'name'),
    description: str(f, 'description') ?? null,
    metadata: mergeMetadata({}, f),
    active: bool(f, 'active'),
  });
  if (s.store.products.get(p.id)) throw invalid('Product already exists.', 'id', 'resource_already_exists');
  s.store.products.insert(p);
  changed(s, 'product.created', s.store.products, p.id);
  const dpd = hash(f, 'default_price_data');
  if (dpd) {
    const price = createPriceFrom(s, { ...dpd, product: p.id });
    p.default_price = price.id;
    s.store.products.touch(p.id);
  }
  return objectReply(ctx, s.store.products, p.id);
}

function updateProduct(ctx: Ctx) {
  const s = ctx.state;
  const p = getOr404(s.store.products, ctx.params['id']!);
  const f = ctx.form;
  const prev: Record<string, unknown> = {};
  const name = str(f, 'name');
  if (name !== undefined && name !== p.name) {
    prev['name'] = p.name;
    p.name = name;
  }
  const active = bool(f, 'active');
  if (active !== undefined && active !== p.active) {
    prev['active'] = p.active;
    p.active = active;
  }
  const desc = str(f, 'description');
  if (desc !== undefined) {
    prev['description'] = p.description;
    p.description = desc || null;
  }
  const dp = str(f, 'default_price');
  if (dp !== undefined) {
    prev['default_price'] = p.default_price ?? null;
    p.default_price = dp ? getOr404(s.store.prices, dp, 'default_price').id : null;
  }
  if (f['metadata'] !== undefined) {
    prev['metadata'] = p.metadata;
    p.metadata = mergeMetadata(p.metadata, f);
  }
  p.updated = s.now;
  changed(s, 'product.updated', s.store.products, p.id, prev);
  return objectReply(ctx, s.store.products, p.id);
}

function createPriceFrom(s: SandboxState, f: Form) {
  const product = reqStr(f, 'product');
  if (!s.store.products.get(product))
    throw invalid(`No such product: '${product}'`, 'product', 'resource_missing');
  const currency = reqStr(f, 'currency').toLowerCase();
  const rec = hash(f, 'recurring');
  const scheme = oneOf(f, 'billing_scheme', ['per_unit', 'tiered'] as const) ?? 'per_unit';
  const unitAmount =
    int(f, 'unit_amount', 0) ??
    (num(f, 'unit_amount_decimal') !== undefined ? Math.round(num(f, 'unit_amount_decimal')!) : null);
  if (scheme === 'per_unit' && unitAmount === null) throw missingParam('unit_amount');
  const tq = hash(f, 'transform_quantity');
  const price = newPrice({
    id: s.newId('price_'),
    created: s.now,
    product,
    currency,
    unitAmount: scheme === 'tiered' ? null : unitAmount,
    recurring: rec
      ? {
          interval:
            oneOf(rec, 'interval', ['day', 'week', 'month', 'year'] as const) ??
            (() => {
              throw missingParam('recurring[interval]');
            })(),
          interval_count: int(rec, 'interval_count', 1, 365) ?? 1,
          usage_type: oneOf(rec, 'usage_type', ['licensed', 'metered'] as const) ?? 'licensed',
        }
      : null,
    billingScheme: scheme,
    tiersMode:
      scheme === 'tiered'
        ? (oneOf(f, 'tiers_mode', ['graduated', 'volume'] as const) ??
          (() => {
            throw missingParam('tiers_mode');
          })())
        : null,
    transformQuantity: tq
      ? {
          divide_by: int(tq, 'divide_by', 1) ?? 1,
          round: oneOf(tq, 'round', ['up', 'down'] as const) ?? 'up',
        }
      : null,
    nickname: str(f, 'nickname') ?? null,
    lookupKey: str(f, 'lookup_key') ?? null,
    metadata: mergeMetadata({}, f),
  });
  if (scheme === 'tiered') {
    const tiers = list(f, 'tiers');
    if (!tiers?.length) throw missingParam('tiers');
    s.store.priceTiers.set(
      price.id,
      tiers.map((t) => {
        const tf = t as Form;
        const upTo = str(tf, 'up_to');
        return tier(
          upTo === 'inf' || upTo === undefined ? null : Number(upTo),
          int(tf, 'unit_amount', 0) ?? 0,
          int(tf, 'flat_amount', 0) ?? 0,
        );
      }),
    );
  }
  s.store.prices.insert(price);
  changed(s, 'price.created', s.store.prices, price.id);
  return price;
}

function updatePrice(ctx: Ctx) {
  const s = ctx.state;
  const p = getOr404(s.store.prices, ctx.params['id']!);
  const prev: Record<string, unknown> = {};
  const active = bool(ctx.form, 'active');
  if (active !== undefined && active !== p.active) {
    prev['active'] = p.active;
    p.active = active;
  }
  const nick = str(ctx.form, 'nickname');
  if (nick !== undefined) {
    prev['nickname'] = p.nickname;
    p.nickname = nick || null;
  }
  if (ctx.form['metadata'] !== undefined) {
    prev['metadata'] = p.metadata;
    p.metadata = mergeMetadata(p.metadata, ctx.form);
  }
  changed(s, 'price.updated', s.store.prices, p.id, prev);
  return objectReply(ctx, s.store.prices, p.id);
}

function createCoupon(ctx: Ctx) {
  const s = ctx.state;
  const f = ctx.form;
  const percentOff = num(f, 'percent_off') ?? null;
  const amountOff = int(f, 'amount_off', 1) ?? null;
  if (percentOff === null && amountOff === null)
    throw invalid('You must pass either `percent_off` or `amount_off`.', 'percent_off');
  if (amountOff !== null && !str(f, 'currency')) throw missingParam('currency');
  const duration = oneOf(f, 'duration', ['forever', 'once', 'repeating'] as const) ?? 'once';
  const id = str(f, 'id') || s.newId('').slice(0, 8);
  if (s.store.coupons.get(id)) throw invalid('Coupon already exists.', 'id', 'resource_already_exists');
  const c = newCoupon({
    id,
    created: s.now,
    duration,
    durationInMonths:
      duration === 'repeating'
        ? (int(f, 'duration_in_months', 1) ??
          (() => {
            throw missingParam('duration_in_months');
          })())
        : null,
    percentOff,
    amountOff,
    currency: str(f, 'currency') ?? null,
    name: str(f, 'name') ?? null,
    maxRedemptions: int(f, 'max_redemptions', 1) ?? null,
    redeemBy: int(f, 'redeem_by') ?? null,
    metadata: mergeMetadata({}, f),
  });
  s.store.coupons.insert(c);
  changed(s, 'coupon.created', s.store.coupons, c.id);
  return objectReply(ctx, s.store.coupons, c.id);
}

export const catalogRoutes: Route[] = [
  { method: 'POST', pattern: '/v1/products', resource: 'products', access: 'write', handler: createProduct },
  {
    method: 'GET',
    pattern: '/v1/products',
    resource: 'products',
    access: 'read',
    handler: (ctx) => {
      const active = bool(ctx.form, 'active');
      return listReply(
        ctx,
        ctx.state.store.products,
        '/v1/products',
        active === undefined ? undefined : (p) => p.active === active,
      );
    },
  },
  {
    method: 'GET',
    pattern: '/v1/products/:id',
    resource: 'products',
    access: 'read',
    handler: (ctx) => objectReply(ctx, ctx.state.store.products, ctx.params['id']!),
  },
  {
    method: 'POST',
    pattern: '/v1/products/:id',
    resource: 'products',
    access: 'write',
    handler: updateProduct,
  },
  {
    method: 'DELETE',
    pattern: '/v1/products/:id',
    resource: 'products',
    access: 'write',
    handler: (ctx) => {
      const s = ctx.state;
      const p = getOr404(s.store.products, ctx.params['id']!);
      if (s.store.prices.all().some((pr) => pr.product === p.id)) {
        throw invalid(
          'This product cannot be deleted because it has one or more user-created prices.',
          undefined,
          'product_has_prices',
        );
      }
      const json = s.store.products.jsonOf(p.id)!;
      s.store.products.remove(p.id);
      emitJson(s, 'product.deleted', json);
      return deleted(p.id, 'product');
    },
  },
  {
    method: 'POST',
    pattern: '/v1/prices',
    resource: 'prices',
    access: 'write',
    handler: (ctx) => objectReply(ctx, ctx.state.store.prices, createPriceFrom(ctx.state, ctx.form).id),
  },
  {
    method: 'GET',
    pattern: '/v1/prices',
    resource: 'prices',
    access: 'read',
    handler: (ctx) => {
      const product = str(ctx.form, 'product');
      const active = bool(ctx.form, 'active');
      const type = str(ctx.form, 'type');
      const currency = str(ctx.form, 'currency');
      return listReply(
        ctx,
        ctx.state.store.prices,
        '/v1/prices',
        (p) =>
          (!product || p.product === product) &&
          (active === undefined || p.active === active) &&
          (!type || p.type === type) &&
          (!currency || p.currency === currency),
      );
    },
  },
  {
    method: 'GET',
    pattern: '/v1/prices/:id',
    resource: 'prices',
    access: 'read',
    handler: (ctx) => objectReply(ctx, ctx.state.store.prices, ctx.params['id']!),
  },
  { method: 'POST', pattern: '/v1/prices/:id', resource: 'prices', access: 'write', handler: updatePrice },
  { method: 'POST', pattern: '/v1/coupons', resource: 'coupons', access: 'write', handler: createCoupon },
  {
    method: 'GET',
    pattern: '/v1/coupons',
    resource: 'coupons',
    access: 'read',
    handler: (ctx) => listReply(ctx, ctx.state.store.coupons, '/v1/coupons'),
  },
  {
    method: 'GET',
    pattern: '/v1/coupons/:id',
    resource: 'coupons',
    access: 'read',
    handler: (ctx) => objectReply(ctx, ctx.state.store.coupons, ctx.params['id']!),
  },
  {
    method: 'POST',
    pattern: '/v1/coupons/:id',
    resource: 'coupons',
    access: 'write',
    handler: (ctx) => {
      const c = getOr404(ctx.state.store.coupons, ctx.params['id']!);
      const prev = { metadata: c.metadata, name: c.name };
      c.metadata = mergeMetadata(c.metadata ?? {}, ctx.form);
      c.name = str(ctx.form, 'name') ?? c.name;
      changed(ctx.state, 'coupon.updated', ctx.state.store.coupons, c.id, prev);
      return objectReply(ctx, ctx.state.store.coupons, c.id);
    },
  },
  {
    method: 'DELETE',
    pattern: '/v1/coupons/:id',
    resource: 'coupons',
    access: 'write',
    handler: (ctx) => {
      const s = ctx.state;
      const c = getOr404(s.store.coupons, ctx.params['id']!);
      c.valid = false;
      s.store.coupons.touch(c.id);
      const json = s.store.coupons.jsonOf(c.id)!;
      s.store.coupons.remove(c.id);
      emitJson(s, 'coupon.deleted', json);
      return deleted(c.id, 'coupon');
    },
  },
];
