// Parser for Stripe's form encoding with bracket notation, mirroring the SDK's encoder:
// `a[b][0][c]=x` → {a:{b:[{c:'x'}]}}; `expand[]=x` appends; an empty value means "unset" and is kept as ''.
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type Form = { [key: string]: FormValue };

export class FormError extends Error {
  readonly param: string;
  constructor(message: string, param: string) {
    super(message);
    this.param = param;
  }
}

function decode(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

/** Splits `a[b][0]` into ['a','b','0']; `a[]` gives ['a','']. */
function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const parts = [key.slice(0, open)];
  const re = /\[([^\]]*)\]/g;
  let m: RegExpExecArray | null = re.exec(key.slice(open));
  while (m !== null) {
    parts.push(m[1]!);
    m = re.exec(key.slice(open));
  }
  return parts;
}

export function parseForm(body: string): Form {
  const root: Form = {};
  if (!body) return root;
  const arrays = new WeakSet<object>();
  for (const pair of body.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    const parts = splitKey(decode(rawKey));
    assign(root, parts, value, decode(rawKey), arrays);
  }
  return compactArrays(root, arrays) as Form;
}

type Container = { [key: string]: unknown };

function assign(
  root: Container,
  parts: string[],
  value: string,
  fullKey: string,
  arrays: WeakSet<object>,
): void {
  let node: Container = root;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const last = i === parts.length - 1;
    const key = part === '' ? String(nextIndex(node)) : part;
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
      throw new FormError(`Invalid parameter name: ${fullKey}`, fullKey);
    }
    if (last) {
      if (typeof node[key] === 'object' && node[key] !== null) {
        throw new FormError(`Invalid ${fullKey}: cannot be both a value and a hash`, fullKey);
      }
      node[key] = value;
      return;
    }
    const existing = node[key];
    if (existing === undefined) {
      const child: Container = {};
      // Children keyed by integers (or `[]`) become arrays once parsing ends.
      if (/^\d+$/.test(parts[i + 1]!) || parts[i + 1] === '') arrays.add(child);
      node[key] = child;
      node = child;
    } else if (typeof existing === 'object' && existing !== null) {
      node = existing as Container;
    } else {
      throw new FormError(`Invalid ${fullKey}: cannot be both a value and a hash`, fullKey);
    }
  }
}

function nextIndex(node: Container): number {
  let n = 0;
  for (const k of Object.keys(node)) if (/^\d+$/.test(k)) n = Math.max(n, Number(k) + 1);
  return n;
}

function compactArrays(node: unknown, arrays: WeakSet<object>): unknown {
  if (typeof node !== 'object' || node === null) return node;
  const obj = node as Container;
  const keys = Object.keys(obj);
  const isArray = arrays.has(obj) && keys.every((k) => /^\d+$/.test(k));
  if (isArray) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => compactArrays(obj[String(k)], arrays));
  }
  const out: Container = {};
  for (const k of keys) out[k] = compactArrays(obj[k], arrays);
  return out;
}
