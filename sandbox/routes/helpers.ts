// Shared shapes of answers: one object (cached JSON unless expanded) and one list page.
import { notFound } from '../http/errors.ts';
import type { Ctx, Reply } from '../http/router.ts';
import { expandJson } from '../store/expand.ts';
import type { Entry, Family } from '../store/family.ts';
import { listBuffer, listJson, paginate, parseListQuery } from '../store/list.ts';

export function getOr404<T extends { id: string }>(family: Family<T>, id: string, param = 'id'): T {
  const obj = family.get(id);
  if (!obj) throw notFound(family.noun, id, param);
  return obj;
}

export function objectReply<T extends { id: string }>(ctx: Ctx, family: Family<T>, id: string): Reply {
  const json = family.jsonOf(id);
  if (json === undefined) throw notFound(family.noun, id);
  return { status: 200, body: ctx.expand.length ? expandJson(ctx.state, json, ctx.expand) : json };
}

export function listReply<T extends { id: string }>(
  ctx: Ctx,
  family: Family<T>,
  url: string,
  filter?: (obj: T) => boolean,
  entries?: Entry<T>[],
): Reply {
  const q = parseListQuery(ctx.form);
  const page = paginate(family, q, filter, entries);
  const expand = ctx.expand.filter((p) => p.startsWith('data.')).map((p) => p.slice(5));
  if (expand.length === 0) {
    return {
      status: 200,
      body: listBuffer(
        url,
        page.entries.map((e) => family.buffer(e)),
        page.hasMore,
      ),
    };
  }
  const jsons = page.entries.map((e) => {
    const j = family.json(e);
    return expand.length ? expandJson(ctx.state, j, expand) : j;
  });
  return { status: 200, body: listJson(url, jsons, page.hasMore) };
}

export function deleted(id: string, object: string): Reply {
  return { status: 200, body: JSON.stringify({ id, object, deleted: true }) };
}
