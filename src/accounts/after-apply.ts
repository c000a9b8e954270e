// The incremental path: after the webhook worker applies an event's objects (in the same
// transaction), link the customers it touched and recompute only their accounts.

import type { HealthSettings } from '../billing/health.ts';
import type { Queryable } from '../db/client.ts';
import type { ApplyResult, ObjectScope } from '../store/apply-object.ts';
import { idOf, isObject } from '../stripe/readers.ts';
import { linkCustomers } from './linking.ts';
import { recomputeAccounts } from './recompute.ts';

export interface AfterApplyInput {
  scope: ObjectScope;
  /** the Stripe event whose objects were applied (absent when a page of objects was applied) */
  event?: { id?: string; created?: number; data?: { object?: unknown } } | null;
  result: ApplyResult;
}

export type AfterApplyHook = (tx: Queryable, input: AfterApplyInput) => Promise<void>;

export interface AfterApplyOptions {
  /** the clock the figures hold for; default: the later of the wall clock and the event's time
   * (so a sandbox whose clock runs ahead still sees its own events as past) */
  now?: (input: AfterApplyInput) => number;
  settings?: Partial<HealthSettings>;
}

/** The Stripe customers whose account an apply may have changed. */
export async function touchedCustomers(tx: Queryable, input: AfterApplyInput): Promise<string[]> {
  const { scope, result } = input;
  const out = new Set<string>();
  const ids: Record<string, string[]> = {};
  for (const a of result.applied) {
    if (a.family === 'customers') out.add(a.id);
    else if (a.customerId) out.add(a.customerId);
    else {
      ids[a.family] ??= [];
      ids[a.family]!.push(a.id);
    }
  }
  const object = input.event?.data?.object;
  if (isObject(object)) {
    const c = object.object === 'customer' ? idOf(object.id) : idOf(object.customer);
    if (c) out.add(c);
  }
  // Objects that name no customer: reach it through their parent.
  const via: [string, string][] = [
    [
      'subscription_items',
      `SELECT s.customer_id FROM stripe_subscription_items i JOIN stripe_subscriptions s
         ON s.connector_id = i.connector_id AND s.id = i.subscription_id WHERE i.connector_id = $1 AND i.id = ANY($2::text[])`,
    ],
    [
      'invoice_line_items',
      `SELECT v.customer_id FROM stripe_invoice_line_items l JOIN stripe_invoices v
         ON v.connector_id = l.connector_id AND v.id = l.invoice_id WHERE l.connector_id = $1 AND l.id = ANY($2::text[])`,
    ],
    [
      'disputes',
      `SELECT c.customer_id FROM stripe_disputes d JOIN stripe_charges c ON c.connector_id = d.connector_id
         AND c.id = d.charge_id WHERE d.connector_id = $1 AND d.id = ANY($2::text[])`,
    ],
    [
      'prices',
      `SELECT DISTINCT s.customer_id FROM stripe_subscription_items i JOIN stripe_subscriptions s
         ON s.connector_id = i.connector_id AND s.id = i.subscription_id WHERE i.connector_id = $1 AND i.price_id = ANY($2::text[])`,
    ],
    [
      'coupons',
      `SELECT DISTINCT s.customer_id FROM stripe_subscriptions s, unnest($2::text[]) AS c(id)
         WHERE s.connector_id = $1 AND position(c.id IN s.data::text) > 0`,
    ],
    [
      'events',
      `SELECT coalesce(e.customer_id, c.customer_id) AS customer_id
       FROM stripe_events e LEFT JOIN stripe_disputes d ON d.connector_id = e.connector_id AND d.id = e.object_id
       LEFT JOIN stripe_charges c ON c.connector_id = d.connector_id AND c.id = d.charge_id
       WHERE e.connector_id = $1 AND e.id = ANY($2::text[])`,
    ],
  ];
  for (const [family, sql] of via) {
    if (!ids[family]?.length) continue;
    const { rows } = await tx.query<{ customer_id: string | null }>(sql, [scope.connectorId, ids[family]]);
    for (const r of rows) if (r.customer_id) out.add(r.customer_id);
  }
  return [...out].sort();
}

export function createAfterApplyHook(options: AfterApplyOptions = {}): AfterApplyHook {
  return async (tx, input) => {
    const customerIds = await touchedCustomers(tx, input);
    if (customerIds.length === 0) return;
    const { workspaceId, connectorId } = input.scope;
    const linked = await linkCustomers(tx, { workspaceId, connectorId, customerIds });
    const { rows } = await tx.query<{ account_id: string }>(
      'SELECT DISTINCT account_id FROM account_customers WHERE connector_id = $1 AND customer_id = ANY($2::text[])',
      [connectorId, customerIds],
    );
    const now = options.now?.(input) ?? Math.max(Math.floor(Date.now() / 1000), input.event?.created ?? 0);
    await recomputeAccounts(tx, {
      workspaceId,
      now,
      settings: options.settings,
      accountIds: [...rows.map((r) => r.account_id), ...linked.affectedAccountIds],
    });
  };
}

/** The hook the webhook worker runs after applying an event (wall clock). */
export const afterApply: AfterApplyHook = createAfterApplyHook();
