import type Stripe from 'stripe';
import type { Queryable } from '../../src/db/client.ts';
import { FAMILIES, type Family } from '../../src/store/families.ts';

/**
 * What the sandbox holds, read independently of the connector: every family listed through the
 * official SDK with the secret key (nested lists and payment methods from their own endpoints),
 * reduced to the key fields a user would check.
 */

type Obj = Record<string, unknown> & { id: string };
export type Snapshot = Record<string, Map<string, string>>;

/** The fields compared per object: status, money, and who it belongs to. */
function keyOf(o: Obj): string {
  return JSON.stringify([o.status ?? null, o.amount ?? o.total ?? o.unit_amount ?? null, o.email ?? null]);
}

async function listAll(stripe: Stripe, path: string): Promise<Obj[]> {
  const out: Obj[] = [];
  let after: string | undefined;
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const page = (await stripe.rawRequest(
      'GET',
      `${path}${sep}limit=100${after ? `&starting_after=${after}` : ''}`,
    )) as unknown as { data: Obj[]; has_more: boolean };
    out.push(...page.data);
    if (!page.has_more || page.data.length === 0) return out;
    after = page.data.at(-1)!.id;
  }
}

export async function sandboxTruth(stripe: Stripe): Promise<Snapshot> {
  const snap: Snapshot = {};
  const put = (family: Family, objects: Obj[]) => {
    const m = snap[family] ?? new Map<string, string>();
    for (const o of objects) m.set(o.id, keyOf(o));
    snap[family] = m;
  };
  for (const spec of FAMILIES) {
    if (!spec.listPath) continue;
    const query = spec.listParams ? `?${new URLSearchParams(spec.listParams)}` : '';
    const objects = await listAll(stripe, `${spec.listPath}${query}`);
    put(spec.family, objects);
    if (spec.family === 'subscriptions') {
      snap.subscription_items ??= new Map();
      for (const s of objects)
        put('subscription_items', await listAll(stripe, `/v1/subscription_items?subscription=${s.id}`));
    }
    if (spec.family === 'invoices') {
      snap.invoice_line_items ??= new Map();
      for (const i of objects) put('invoice_line_items', await listAll(stripe, `/v1/invoices/${i.id}/lines`));
    }
    if (spec.family === 'customers') {
      snap.payment_methods ??= new Map();
      for (const c of objects)
        put('payment_methods', await listAll(stripe, `/v1/customers/${c.id}/payment_methods`));
    }
  }
  return snap;
}

/** The same view of the store: live (not deleted) rows of one connector. */
export async function storeView(q: Queryable, connectorId: string): Promise<Snapshot> {
  const snap: Snapshot = {};
  for (const spec of FAMILIES) {
    const { rows } = await q.query<{ id: string; data: Obj }>(
      `SELECT id, data FROM ${spec.table} WHERE connector_id = $1 AND NOT deleted`,
      [connectorId],
    );
    snap[spec.family] = new Map(rows.map((r) => [r.id, keyOf(r.data)]));
  }
  return snap;
}

/** Readable differences per family (empty when the store matches the sandbox). */
export function differences(truth: Snapshot, stored: Snapshot): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const family of Object.keys(truth)) {
    const t = truth[family]!;
    const s = stored[family] ?? new Map();
    const problems: string[] = [];
    for (const [id, key] of t) {
      if (!s.has(id)) problems.push(`missing ${id}`);
      else if (s.get(id) !== key) problems.push(`${id}: store ${s.get(id)} ≠ stripe ${key}`);
    }
    for (const id of s.keys()) if (!t.has(id)) problems.push(`extra ${id}`);
    if (problems.length > 0) out[family] = problems.slice(0, 5);
  }
  return out;
}
