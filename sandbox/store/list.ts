// Stripe's cursor pagination over a Family: newest first, `starting_after` / `ending_before`,
// `created` ranges and `has_more`, walking only as far as the page needs.
import { invalid, notFound } from '../http/errors.ts';
import type { Form } from '../util/form.ts';
import { int, str } from '../util/params.ts';
import { type Entry, type Family, indexOf, lowerBound } from './family.ts';

export type CreatedRange = { gte: number; lt: number };

export type ListQuery = {
  limit: number;
  startingAfter?: string;
  endingBefore?: string;
  created: CreatedRange;
};

export function parseListQuery(form: Form): ListQuery {
  const limitRaw = form['limit'];
  let limit = 10;
  if (limitRaw !== undefined) {
    if (typeof limitRaw !== 'string' || !/^-?\d+$/.test(limitRaw)) {
      throw invalid(`Invalid integer: ${String(limitRaw)}`, 'limit');
    }
    limit = Number(limitRaw);
    if (limit < 1 || limit > 100) {
      throw invalid('This value must be greater than or equal to 1 and less than or equal to 100.', 'limit');
    }
  }
  const startingAfter = str(form, 'starting_after') || undefined;
  const endingBefore = str(form, 'ending_before') || undefined;
  if (startingAfter && endingBefore) {
    throw invalid(
      'You may only specify one of these parameters: ending_before, starting_after.',
      'ending_before',
    );
  }
  return { limit, startingAfter, endingBefore, created: parseCreated(form, 'created') };
}

/** `created=<int>` or `created[gt|gte|lt|lte]=<int>`, folded into a half-open [gte, lt) range. */
export function parseCreated(form: Form, key: string): CreatedRange {
  const range = { gte: -Infinity, lt: Infinity };
  const v = form[key];
  if (v === undefined || v === '') return range;
  if (typeof v === 'string') {
    const n = int(form, key)!;
    return { gte: n, lt: n + 1 };
  }
  if (Array.isArray(v)) throw invalid(`Invalid ${key}`, key);
  for (const [op, raw] of Object.entries(v)) {
    const n = int(v, op);
    if (n === null || n === undefined) continue;
    if (op === 'gt') range.gte = Math.max(range.gte, n + 1);
    else if (op === 'gte') range.gte = Math.max(range.gte, n);
    else if (op === 'lt') range.lt = Math.min(range.lt, n);
    else if (op === 'lte') range.lt = Math.min(range.lt, n + 1);
    else throw invalid(`Received unknown parameter: ${key}[${op}]`, `${key}[${op}]`);
    void raw;
  }
  return range;
}

export type Page<T> = { entries: Entry<T>[]; hasMore: boolean };

export function paginate<T extends { id: string }>(
  family: Family<T>,
  q: ListQuery,
  filter?: (obj: T) => boolean,
  /** A narrower sorted view of the family (`Family.group`); default: all of it. */
  arr: Entry<T>[] = family.entries(),
): Page<T> {
  const lo = lowerBound(arr, q.created.gte);
  const hi = lowerBound(arr, q.created.lt); // exclusive
  const out: Entry<T>[] = [];
  const want = q.limit + 1;
  if (q.endingBefore) {
    // Objects newer than the cursor, the closest ones first, then flipped back to newest-first.
    const start = cursorIndex(family, arr, q.endingBefore, 'ending_before') + 1;
    for (let i = Math.max(start, lo); i < hi && out.length < want; i++) {
      const e = arr[i]!;
      if (!filter || filter(e.obj)) out.push(e);
    }
    const hasMore = out.length === want;
    if (hasMore) out.pop();
    out.reverse();
    return { entries: out, hasMore };
  }
  const start = q.startingAfter ? cursorIndex(family, arr, q.startingAfter, 'starting_after') - 1 : hi - 1;
  for (let i = Math.min(start, hi - 1); i >= lo && out.length < want; i--) {
    const e = arr[i]!;
    if (!filter || filter(e.obj)) out.push(e);
  }
  const hasMore = out.length === want;
  if (hasMore) out.pop();
  return { entries: out, hasMore };
}

function cursorIndex<T extends { id: string }>(
  family: Family<T>,
  arr: Entry<T>[],
  id: string,
  param: string,
): number {
  const e = family.byId.get(id);
  if (!e) throw notFound(family.noun, id, param);
  return indexOf(arr, e);
}

/** Pages a plain array kept in display order (invoice lines, subscription items). */
export function paginateArray<T extends { id: string }>(
  items: T[],
  q: ListQuery,
): { data: T[]; hasMore: boolean } {
  let start = 0;
  let end = items.length;
  if (q.startingAfter) {
    const i = items.findIndex((x) => x.id === q.startingAfter);
    if (i < 0) throw notFound('object', q.startingAfter, 'starting_after');
    start = i + 1;
  }
  if (q.endingBefore) {
    const i = items.findIndex((x) => x.id === q.endingBefore);
    if (i < 0) throw notFound('object', q.endingBefore, 'ending_before');
    end = i;
    start = Math.max(0, end - q.limit);
    return { data: items.slice(start, end), hasMore: start > 0 };
  }
  return { data: items.slice(start, start + q.limit), hasMore: start + q.limit < end };
}

export function listJson(url: string, jsons: string[], hasMore: boolean): string {
  return `{"object":"list","data":[${jsons.join(',')}],"has_more":${hasMore},"url":${JSON.stringify(url)}}`;
}

const COMMA = Buffer.from(',');

/**
 * A list page as bytes. Measured: joining 100 cached invoice strings (354 KB) and UTF-8-encoding
 * the result on write capped invoice pages at ~195/s; copying cached Buffers avoids both passes.
 */
export function listBuffer(url: string, parts: Buffer[], hasMore: boolean): Buffer {
  const pieces: Buffer[] = [Buffer.from('{"object":"list","data":[')];
  parts.forEach((p, i) => {
    if (i > 0) pieces.push(COMMA);
    pieces.push(p);
  });
  pieces.push(Buffer.from(`],"has_more":${hasMore},"url":${JSON.stringify(url)}}`));
  return Buffer.concat(pieces);
}
