import { familySpec } from '../store/families.ts';
import type { ConnectorStripe } from '../stripe/client.ts';
import { isObject, type StripeObject } from '../stripe/readers.ts';
import { abortable } from './abortable.ts';

/**
 * Nested lists arrive inline with at most 10 entries (invoice `lines`, subscription `items`);
 * when the inline list says `has_more`, the rest is paged from the list's own endpoint, after
 * the last inline entry.
 */

export interface NestedBatch {
  parentColumn: 'invoice_id' | 'subscription_id';
  parentId: string;
  items: StripeObject[];
  sourceTs: number;
}

export async function fetchNestedRest(
  client: ConnectorStripe,
  parents: readonly StripeObject[],
  options: { pageSize: number; signal?: AbortSignal },
): Promise<NestedBatch[]> {
  const jobs: Promise<NestedBatch[]>[] = [];
  for (const parent of parents) {
    if (parent.object !== 'invoice' && parent.object !== 'subscription') continue;
    const spec = familySpec(parent.object === 'invoice' ? 'invoices' : 'subscriptions');
    for (const n of spec.nested ?? []) {
      const inline = parent[n.field];
      if (!isObject(inline) || inline.has_more !== true || !Array.isArray(inline.data)) continue;
      const last = (inline.data as StripeObject[]).at(-1)?.id;
      const parentColumn = n.family === 'invoice_line_items' ? 'invoice_id' : 'subscription_id';
      jobs.push(pageAll(client, n.path(parent.id), last, { ...options, parentColumn, parentId: parent.id }));
    }
  }
  return (await Promise.all(jobs)).flat();
}

async function pageAll(
  client: ConnectorStripe,
  path: string,
  after: string | undefined,
  options: {
    pageSize: number;
    signal?: AbortSignal;
    parentColumn: NestedBatch['parentColumn'];
    parentId: string;
  },
): Promise<NestedBatch[]> {
  const out: NestedBatch[] = [];
  let cursor = after;
  for (;;) {
    const page = await abortable(
      client.list<StripeObject>(path, { limit: options.pageSize, starting_after: cursor }, options),
      options.signal,
    );
    out.push({
      parentColumn: options.parentColumn,
      parentId: options.parentId,
      items: page.data,
      sourceTs: page.sourceTs,
    });
    cursor = page.data.at(-1)?.id;
    if (!page.has_more || !cursor) return out;
  }
}
