import { expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.ts';
import type { StripeObject } from '../stripe/readers.ts';
import { REDACTED_CARD_NUMBER } from '../stripe/redact.ts';
import { applyStripeObject, applyStripeObjects } from './apply-object.ts';

const scope = { workspaceId: 'default', connectorId: 'conn_test' };

function customer(id: string, extra: Record<string, unknown> = {}): StripeObject {
  return {
    id,
    object: 'customer',
    livemode: false,
    created: 1_700_000_000,
    email: `${id}@acme.test`,
    ...extra,
  };
}

describeEachStore('applying Stripe objects to the store', ({ store }) => {
  it('stores typed key columns and the redacted object', async () => {
    const { db } = store();
    const res = await applyStripeObject(
      db,
      scope,
      customer('cus_a', { metadata: { note: 'card 4242424242424242' }, name: 'Acme' }),
      { sourceTs: 1000 },
    );
    expect(res.applied.map((a) => a.id)).toEqual(['cus_a']);
    const { rows } = await db.query<{ email: string; name: string; data: { metadata: { note: string } } }>(
      `SELECT email, name, data FROM stripe_customers WHERE id = 'cus_a'`,
    );
    expect(rows[0]?.email).toBe('cus_a@acme.test');
    expect(rows[0]?.data.metadata.note).toBe(`card ${REDACTED_CARD_NUMBER}`);
  });

  it('never lets an older state overwrite a newer one', async () => {
    const { db } = store();
    await applyStripeObject(db, scope, customer('cus_b', { name: 'new' }), { sourceTs: 2000 });
    const older = await applyStripeObject(db, scope, customer('cus_b', { name: 'old' }), { sourceTs: 1000 });
    expect(older.applied).toEqual([]);
    expect(older.stale.map((s) => s.id)).toEqual(['cus_b']);
    const same = await applyStripeObject(db, scope, customer('cus_b', { name: 'same-time' }), {
      sourceTs: 2000,
    });
    expect(same.applied).toHaveLength(1);
    const { rows } = await db.query<{ name: string }>(`SELECT name FROM stripe_customers WHERE id = 'cus_b'`);
    expect(rows[0]?.name).toBe('same-time');
  });

  it('applies inline nested lists (invoice lines) into their own family with the parent id', async () => {
    const { db } = store();
    const invoice: StripeObject = {
      id: 'in_1',
      object: 'invoice',
      customer: 'cus_a',
      status: 'open',
      currency: 'usd',
      total: 3000,
      amount_due: 3000,
      parent: { subscription_details: { subscription: 'sub_1' } },
      lines: { object: 'list', has_more: false, data: [{ id: 'il_1', object: 'line_item', amount: 3000 }] },
    };
    const res = await applyStripeObjects(db, scope, [invoice], { sourceTs: 1000 });
    expect(res.applied.map((a) => `${a.family}:${a.id}`).sort()).toEqual([
      'invoice_line_items:il_1',
      'invoices:in_1',
    ]);
    const line = await db.query<{ invoice_id: string }>(`SELECT invoice_id FROM stripe_invoice_line_items`);
    expect(line.rows[0]?.invoice_id).toBe('in_1');
    const inv = await db.query<{ subscription_id: string; amount_due: number }>(
      `SELECT subscription_id, amount_due FROM stripe_invoices WHERE id = 'in_1'`,
    );
    expect(inv.rows[0]).toEqual({ subscription_id: 'sub_1', amount_due: 3000 });
  });

  it('marks deletions and keeps a stub so an older state cannot resurrect the object', async () => {
    const { db } = store();
    await applyStripeObject(db, scope, customer('cus_d'), { sourceTs: 1000 });
    await applyStripeObject(
      db,
      scope,
      { id: 'cus_d', object: 'customer', deleted: true },
      { sourceTs: 3000 },
    );
    await applyStripeObject(db, scope, customer('cus_d'), { sourceTs: 2000 });
    const { rows } = await db.query<{ deleted: boolean; email: string }>(
      `SELECT deleted, email FROM stripe_customers WHERE id = 'cus_d'`,
    );
    expect(rows[0]).toEqual({ deleted: true, email: 'cus_d@acme.test' });
    const ghost = await applyStripeObject(
      db,
      scope,
      { id: 'cus_x', object: 'customer', deleted: true },
      { sourceTs: 5 },
    );
    expect(ghost.applied).toHaveLength(1);
    const late = await applyStripeObject(db, scope, customer('cus_x'), { sourceTs: 4 });
    expect(late.applied).toEqual([]);
  });

  it('counts objects of types the connector does not read without failing', async () => {
    const { db } = store();
    const res = await applyStripeObject(db, scope, { id: 'acct_1', object: 'account' }, { sourceTs: 1 });
    expect(res.unknown).toBe(1);
  });
});
