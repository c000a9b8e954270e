// Typed readers over a parsed form: each one answers Stripe's 400 when a value has the wrong shape.
import { invalid, missingParam } from '../http/errors.ts';
import type { Form, FormValue } from './form.ts';

export function str(form: Form, key: string): string | undefined {
  const v = form[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalid(`Invalid string: ${key}`, key);
  return v;
}

export function reqStr(form: Form, key: string): string {
  const v = str(form, key);
  if (v === undefined || v === '') throw missingParam(key);
  return v;
}

/** `undefined` when absent, `null` when sent empty (Stripe's way to unset a field). */
export function int(form: Form, key: string, min = -Infinity, max = Infinity): number | null | undefined {
  const v = form[key];
  if (v === undefined) return undefined;
  if (v === '') return null;
  if (typeof v !== 'string' || !/^-?\d+$/.test(v)) throw invalid(`Invalid integer: ${String(v)}`, key);
  const n = Number(v);
  if (n < min || n > max) throw invalid(`Invalid ${key}: must be between ${min} and ${max}`, key);
  return n;
}

export function num(form: Form, key: string): number | undefined {
  const v = form[key];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || !Number.isFinite(Number(v)))
    throw invalid(`Invalid decimal: ${String(v)}`, key);
  return Number(v);
}

export function bool(form: Form, key: string): boolean | undefined {
  const v = form[key];
  if (v === undefined) return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw invalid(`Invalid boolean: ${String(v)}`, key);
}

export function oneOf<T extends string>(form: Form, key: string, allowed: readonly T[]): T | undefined {
  const v = str(form, key);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) {
    throw invalid(`Invalid ${key}: must be one of ${allowed.join(', ')}`, key);
  }
  return v as T;
}

export function hash(form: Form, key: string): Form | undefined {
  const v = form[key];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid(`Invalid hash: ${key}`, key);
  return v;
}

export function list(form: Form, key: string): FormValue[] | undefined {
  const v = form[key];
  if (v === undefined || v === '') return undefined;
  if (!Array.isArray(v)) throw invalid(`Invalid array: ${key}`, key);
  return v;
}

export function strList(form: Form, key: string): string[] | undefined {
  const v = list(form, key);
  if (!v) return undefined;
  return v.map((x) => {
    if (typeof x !== 'string') throw invalid(`Invalid array: ${key}`, key);
    return x;
  });
}

/** Applies `metadata[k]=v` updates; an empty value deletes the key, as in Stripe. */
export function mergeMetadata(current: Record<string, string>, form: Form): Record<string, string> {
  const v = form['metadata'];
  if (v === undefined) return current;
  if (v === '') return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid('Invalid hash: metadata', 'metadata');
  const out = { ...current };
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') throw invalid(`Invalid metadata[${k}]`, `metadata[${k}]`);
    if (val === '') delete out[k];
    else out[k] = val;
  }
  return out;
}
