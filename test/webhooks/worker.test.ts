import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiToken } from '../../src/auth/tokens.ts';
import type { AfterApplyHook } from '../../src/webhooks/apply-event.ts';
import { describeEachStore } from '../support/stores.ts';
import {
  newInvoicePaid,
  oldChargeFailed,
  oldInvoicePaid,
  oldSubscriptionUpdated,
} from './fixtures/old-versions.ts';
import { type Harness, makeEvent, startHarness } from './support.ts';

const T = Math.floor(Date.now() / 1000);

describeEachStore('webhook worker', ({ store }) => {
  let h: Harness;
  let poison = new Set<string>();
  // Hooks run once per batch (per event on the one-at-a-time path): `events` lists what they cover.
  const hookLog: AfterApplyHook = async (tx, { event, events = [event], result }) => {
    for (const e of events) {
      await tx.query('INSERT INTO test_hook_log (event_id, applied) VALUES ($1, $2)', [
        e.id,
        result.applied.length,
      ]);
      if (poison.has(e.id)) throw new Error(`hook refuses ${e.id}`);
    }
  };

  beforeAll(async () => {
    await store().db.exec('CREATE TABLE test_hook_log (event_id text, applied int)');
    h = await startHarness(store().db, {
      settings: { maxAttempts: 2, backoffBaseMs: 60_000, backoffMaxMs: 60_000 },
      afterApply: [hookLog],
    });
  });
  afterAll(async () => {
    await h.close();
  });

  const send = async (...events: Record<string, unknown>[]) => {
    for (const e of events) expect((await h.deliver(e)).status).toBe(200);
    await h.webhooks.workers.drain();
  };
  const row = async (table: string, id: string) =>
    (
      await h.db.query<Record<string, unknown>>(
        `SELECT * FROM ${table} WHERE connector_id = $1 AND id = $2`,
        [h.connectorId, id],
      )
    ).rows[0];
  const inboxStatus = async (eventId: string) =>
    (
      await h.db.query<{ status: string; attempts: number; last_error: string | null }>(
        'SELECT status, attempts, last_error FROM webhook_inbox WHERE connector_id = $1 AND event_id = $2',
        [h.connectorId, eventId],
      )
    ).rows[0];

  it('applies data.object and keeps the event itself', async () => {
    const e = makeEvent({
      type: 'customer.created',
      created: T,
      object: { id: 'cus_w1', object: 'customer', email: 'x@acme.test' },
    });
    await send(e);
    expect(await row('stripe_customers', 'cus_w1')).toMatchObject({
      email: 'x@acme.test',
      source_ts: T * 1000,
      deleted: false,
    });
    expect(await row('stripe_events', e.id as string)).toMatchObject({
      type: 'customer.created',
      object_id: 'cus_w1',
    });
    expect(await inboxStatus(e.id as string)).toMatchObject({ status: 'applied', attempts: 1 });
  });

  it('records an older event as stale and keeps the newer state', async () => {
    const newer = makeEvent({
      type: 'customer.updated',
      created: T + 10,
      object: { id: 'cus_w2', object: 'customer', email: 'new@acme.test' },
    });
    const older = makeEvent({
      type: 'customer.updated',
      created: T + 5,
      object: { id: 'cus_w2', object: 'customer', email: 'old@acme.test' },
    });
    await send(newer);
    await send(older);
    expect(await row('stripe_customers', 'cus_w2')).toMatchObject({ email: 'new@acme.test' });
    expect(await inboxStatus(older.id as string)).toMatchObject({ status: 'stale' });
  });

  it('handles deletions: *.deleted marks the row deleted, a subscription deletion is a cancellation, detach clears the customer', async () => {
    const created = [
      makeEvent({ type: 'customer.created', created: T, object: { id: 'cus_del', object: 'customer' } }),
      makeEvent({
        type: 'product.created',
        created: T,
        object: { id: 'prod_del', object: 'product', name: 'P' },
      }),
      makeEvent({
        type: 'price.created',
        created: T,
        object: { id: 'price_del', object: 'price', unit_amount: 100 },
      }),
      makeEvent({
        type: 'coupon.created',
        created: T,
        object: { id: 'co_del', object: 'coupon', percent_off: 5 },
      }),
      makeEvent({
        type: 'invoiceitem.created',
        created: T,
        object: { id: 'ii_del', object: 'invoiceitem', amount: 5 },
      }),
      makeEvent({
        type: 'invoice.created',
        created: T,
        object: { id: 'in_del', object: 'invoice', status: 'draft' },
      }),
      makeEvent({
        type: 'customer.subscription.created',
        created: T,
        object: { id: 'sub_del', object: 'subscription', status: 'active', customer: 'cus_x' },
      }),
      makeEvent({
        type: 'payment_method.attached',
        created: T,
        object: { id: 'pm_del', object: 'payment_method', customer: 'cus_x', type: 'card' },
      }),
    ];
    await send(...created);
    await send(
      makeEvent({ type: 'customer.deleted', created: T + 1, object: { id: 'cus_del', object: 'customer' } }),
      makeEvent({
        type: 'product.deleted',
        created: T + 1,
        object: { id: 'prod_del', object: 'product', name: 'P' },
      }),
      makeEvent({
        type: 'price.deleted',
        created: T + 1,
        object: { id: 'price_del', object: 'price', unit_amount: 100 },
      }),
      makeEvent({
        type: 'coupon.deleted',
        created: T + 1,
        object: { id: 'co_del', object: 'coupon', percent_off: 5 },
      }),
      makeEvent({
        type: 'invoiceitem.deleted',
        created: T + 1,
        object: { id: 'ii_del', object: 'invoiceitem', deleted: true },
      }),
      makeEvent({
        type: 'invoice.deleted',
        created: T + 1,
        object: { id: 'in_del', object: 'invoice', status: 'draft' },
      }),
      makeEvent({
        type: 'customer.subscription.deleted',
        created: T + 1,
        object: {
          id: 'sub_del',
          object: 'subscription',
          status: 'canceled',
          customer: 'cus_x',
          ended_at: T + 1,
        },
      }),
      makeEvent({
        type: 'payment_method.detached',
        created: T + 1,
        object: { id: 'pm_del', object: 'payment_method', customer: null, type: 'card' },
      }),
    );
    for (const [table, id] of [
      ['stripe_customers', 'cus_del'],
      ['stripe_products', 'prod_del'],
      ['stripe_prices', 'price_del'],
      ['stripe_coupons', 'co_del'],
      ['stripe_invoice_items', 'ii_del'],
      ['stripe_invoices', 'in_del'],
    ] as const) {
      expect(await row(table, id), `${table} ${id}`).toMatchObject({ deleted: true });
    }
    expect(await row('stripe_subscriptions', 'sub_del')).toMatchObject({
      deleted: false,
      status: 'canceled',
      ended_at: T + 1,
    });
    expect(await row('stripe_payment_methods', 'pm_del')).toMatchObject({
      deleted: false,
      customer_id: null,
    });
    // An older update arriving after the deletion does not resurrect the customer.
    const late = makeEvent({
      type: 'customer.updated',
      created: T,
      object: { id: 'cus_del', object: 'customer', email: 'z@z.test' },
    });
    await send(late);
    expect(await row('stripe_customers', 'cus_del')).toMatchObject({ deleted: true });
  });

  it('stores unknown event types and marks them ignored, never failed', async () => {
    const a = makeEvent({
      type: 'balance.available',
      created: T,
      object: { object: 'balance', available: [] },
    });
    const b = makeEvent({
      type: 'radar.early_fraud_warning.created',
      created: T,
      object: { id: 'issfr_1', object: 'radar.early_fraud_warning' },
    });
    await send(a, b);
    expect(await inboxStatus(a.id as string)).toMatchObject({ status: 'ignored' });
    expect(await inboxStatus(b.id as string)).toMatchObject({ status: 'ignored' });
  });

  it('reads payloads of older API versions (2023-10-16) and of the current one', async () => {
    await send(oldSubscriptionUpdated(T), oldInvoicePaid(T), oldChargeFailed(T), newInvoicePaid(T));
    expect(await row('stripe_invoices', 'in_old_1')).toMatchObject({
      subscription_id: 'sub_old_1',
      status: 'paid',
      amount_paid: 2900,
      customer_id: 'cus_old_1',
    });
    expect(await row('stripe_invoice_line_items', 'il_old_1')).toMatchObject({
      invoice_id: 'in_old_1',
      subscription_id: 'sub_old_1',
      price_id: 'price_old_1',
    });
    expect(await row('stripe_subscriptions', 'sub_old_1')).toMatchObject({
      cancel_at_period_end: true,
      status: 'active',
    });
    expect(await row('stripe_subscription_items', 'si_old_1')).toMatchObject({
      subscription_id: 'sub_old_1',
      price_id: 'price_old_1',
      quantity: 3,
    });
    expect(await row('stripe_charges', 'ch_old_2')).toMatchObject({
      invoice_id: 'in_old_2',
      failure_code: 'card_declined',
      outcome_type: 'issuer_declined',
    });
    expect(await row('stripe_invoices', 'in_new_1')).toMatchObject({
      subscription_id: 'sub_new_1',
      currency: 'eur',
    });
    expect(await row('stripe_invoice_line_items', 'il_new_1')).toMatchObject({
      subscription_id: 'sub_new_1',
      price_id: 'price_new_1',
    });
  });

  it('settles same-second ties by lifecycle: a paid invoice is not rolled back to open by a shuffled finalized event', async () => {
    const inv = (status: string) => ({
      id: 'in_tie',
      object: 'invoice',
      status,
      amount_paid: status === 'paid' ? 100 : 0,
    });
    const paid = makeEvent({ type: 'invoice.paid', created: T + 20, object: inv('paid') });
    const finalized = makeEvent({ type: 'invoice.finalized', created: T + 20, object: inv('open') });
    const createdEv = makeEvent({ type: 'invoice.created', created: T + 20, object: inv('draft') });
    await send(paid);
    await send(finalized, createdEv);
    expect(await row('stripe_invoices', 'in_tie')).toMatchObject({ status: 'paid', amount_paid: 100 });
    expect(await inboxStatus(finalized.id as string)).toMatchObject({ status: 'stale' });
    // The other way round, the later state replaces the earlier one.
    const sub = (status: string) => ({ id: 'sub_tie', object: 'subscription', status });
    await send(
      makeEvent({ type: 'customer.subscription.created', created: T + 20, object: sub('incomplete') }),
    );
    await send(makeEvent({ type: 'customer.subscription.updated', created: T + 20, object: sub('active') }));
    expect(await row('stripe_subscriptions', 'sub_tie')).toMatchObject({ status: 'active' });
  });

  it('runs afterApply hooks in the same transaction: a failing hook rolls its event back, retries, then parks it without blocking others', async () => {
    const bad = makeEvent({
      type: 'customer.updated',
      created: T + 30,
      object: { id: 'cus_poison', object: 'customer', email: 'p@acme.test' },
    });
    const good = makeEvent({
      type: 'customer.updated',
      created: T + 30,
      object: { id: 'cus_fine', object: 'customer', email: 'f@acme.test' },
    });
    poison = new Set([bad.id as string]);
    await send(bad, good);
    expect(await row('stripe_customers', 'cus_fine')).toMatchObject({ email: 'f@acme.test' });
    expect(await row('stripe_customers', 'cus_poison')).toBeUndefined();
    expect(await inboxStatus(bad.id as string)).toMatchObject({ status: 'failed', attempts: 1 });
    // Skip the backoff (a minute here) instead of waiting for it; the second failure reaches maxAttempts = 2.
    const due = await h.db.query('UPDATE webhook_inbox SET next_attempt_at = now() WHERE event_id = $1', [
      bad.id,
    ]);
    expect(due.rowCount).toBe(1);
    await h.webhooks.workers.drain();
    const parked = await inboxStatus(bad.id as string);
    expect(parked).toMatchObject({ status: 'parked', attempts: 2 });
    expect(parked?.last_error).toContain('hook refuses');
    const log = await h.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM test_hook_log WHERE event_id = $1',
      [bad.id],
    );
    expect(log.rows[0]!.n).toBe(0);

    const { token } = await createApiToken(h.db, { workspaceId: 'default', name: 'ops', scope: 'write' });
    const auth = { authorization: `Bearer ${token}` };
    const list = await fetch(`${h.url}/api/connectors/${h.connectorId}/events?status=parked`, {
      headers: auth,
    });
    expect(list.status).toBe(200);
    const body = (await list.json()) as { data: { eventId: string; status: string; lastError: string }[] };
    expect(body.data.map((e) => e.eventId)).toEqual([bad.id]);
    expect(JSON.stringify(body)).not.toContain('whsec_');

    poison = new Set();
    const retry = await fetch(`${h.url}/api/connectors/${h.connectorId}/events/${bad.id}/retry`, {
      method: 'POST',
      headers: auth,
    });
    expect(retry.status).toBe(202);
    await h.webhooks.workers.drain();
    expect(await inboxStatus(bad.id as string)).toMatchObject({ status: 'applied' });
    expect(await row('stripe_customers', 'cus_poison')).toMatchObject({ email: 'p@acme.test' });
    const again = await fetch(`${h.url}/api/connectors/${h.connectorId}/events/${bad.id}/retry`, {
      method: 'POST',
      headers: auth,
    });
    expect(again.status).toBe(409);
    const metrics = await h.registry.metrics();
    expect(metrics).toMatch(/atlas_webhook_events_parked_total\{connector="[^"]+"\} 1/);
    expect(metrics).toContain('atlas_webhook_processing_lag_seconds_bucket');
  });

  it('parks at once an event whose object contradicts its type', async () => {
    const odd = makeEvent({
      type: 'invoice.paid',
      created: T,
      object: { id: 'cus_odd', object: 'customer' },
    });
    await send(odd);
    expect(await inboxStatus(odd.id as string)).toMatchObject({ status: 'parked', attempts: 1 });
  });
});
