// `expand[]`: replaces ids by the objects they name, following dotted paths (`data.customer`,
// `latest_invoice.payments.data.payment.payment_intent`) up to Stripe's four levels.
import type { SandboxState } from '../engine/state.ts';
import { invalid } from '../http/errors.ts';
import { type FamilyName, familyOf, PREFIX_FAMILY } from './store.ts';

type Json = { [k: string]: unknown };

const FIELD_FAMILY: Record<string, FamilyName> = { coupon: 'coupons', default_price: 'prices' };

export function expandJson(s: SandboxState, json: string, paths: string[]): string {
  if (paths.length === 0) return json;
  const root = JSON.parse(json) as Json;
  for (const path of paths) {
    const segs = path.split('.');
    const levels = segs.filter((x) => x !== 'data').length;
    if (levels > 4)
      throw invalid(`You cannot expand more than 4 levels of a property. Property: ${path}`, 'expand');
    expandAt(s, root, segs, path);
  }
  return JSON.stringify(root);
}

function expandAt(s: SandboxState, obj: Json, segs: string[], path: string): void {
  if (segs.length === 0) return;
  const [field, ...rest] = segs as [string, ...string[]];
  if (obj['object'] === 'price' && field === 'tiers') {
    obj['tiers'] = s.store.priceTiers.get(obj['id'] as string) ?? [];
    return;
  }
  if (!(field in obj)) throw invalid(`This property cannot be expanded (${field}).`, 'expand');
  const val = obj[field];
  if (val === null || val === undefined) return;
  if (Array.isArray(val)) {
    obj[field] = val.map((v) => {
      const el = typeof v === 'string' ? resolve(s, v, field, path) : (v as Json);
      if (el && typeof el === 'object') expandAt(s, el, rest, path);
      return el;
    });
    return;
  }
  if (typeof val === 'string') {
    const resolved = resolve(s, val, field, path);
    obj[field] = resolved;
    expandAt(s, resolved, rest, path);
    return;
  }
  if (typeof val === 'object') {
    if (rest.length === 0 && (val as Json)['object'] !== undefined) return; // already an object
    expandAt(s, val as Json, rest, path);
    return;
  }
  throw invalid(`This property cannot be expanded (${field}).`, 'expand');
}

function resolve(s: SandboxState, id: string, field: string, path: string): Json {
  const name = FIELD_FAMILY[field] ?? PREFIX_FAMILY[id.slice(0, id.indexOf('_'))];
  const json = name ? familyOf(s.store, name as FamilyName).jsonOf(id) : undefined;
  if (json === undefined)
    throw invalid(`This property cannot be expanded (${field}). Path: ${path}`, 'expand');
  return JSON.parse(json) as Json;
}
