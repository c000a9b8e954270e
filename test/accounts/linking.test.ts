import { expect, it } from 'vitest';
import { createAccount } from '../../src/accounts/accounts.ts';
import { linkCustomerManually, linkCustomers } from '../../src/accounts/linking.ts';
import { applyStripeObjects } from '../../src/store/apply-object.ts';
import { describeEachStore } from '../support/stores.ts';
import { customer } from './stripe-objects.ts';

const scope = { workspaceId: 'default', connectorId: 'conn_link' };

describeEachStore('linking Stripe customers to accounts', ({ store }) => {
  const accountOf = async (customerId: string) =>
    (
      await store().db.query<{
        account_id: string;
        linked_by: string;
        manual: boolean;
        name: string;
        connector_id: string | null;
      }>(
        `SELECT l.account_id, l.linked_by, l.manual, a.name, a.connector_id FROM account_customers l
         JOIN accounts a ON a.id = l.account_id WHERE l.customer_id = $1`,
        [customerId],
      )
    ).rows[0];

  it('links by metadata (account id or external id), then by company domain, else creates an account', async () => {
    const db = store().db;
    const acme = await createAccount(db, 'default', {
      name: 'Acme',
      domain: 'acme.com',
      external_id: 'crm-1',
    });
    const globex = await createAccount(db, 'default', { name: 'Globex', external_id: 'crm-2' });
    await applyStripeObjects(
      db,
      scope,
      [
        customer({ id: 'cus_meta_id', email: 'x@other.io', meta: globex.id }),
        customer({ id: 'cus_meta_ext', email: 'y@other.io', meta: 'crm-1' }),
        customer({ id: 'cus_domain', email: 'ann@acme.com' }),
        customer({ id: 'cus_gmail', email: 'bob@gmail.com', name: 'Bob Jones' }),
        customer({ id: 'cus_gmail2', email: 'carol@gmail.com' }),
        customer({ id: 'cus_new_co', email: 'dan@initech.io', name: 'Initech' }),
        customer({ id: 'cus_same_co', email: 'eve@initech.io' }),
      ],
      { sourceTs: 1 },
    );
    const r = await linkCustomers(db, scope);
    expect(r.linked).toBe(7);
    expect(await accountOf('cus_meta_id')).toMatchObject({ account_id: globex.id, linked_by: 'metadata' });
    expect(await accountOf('cus_meta_ext')).toMatchObject({ account_id: acme.id, linked_by: 'metadata' });
    expect(await accountOf('cus_domain')).toMatchObject({ account_id: acme.id, linked_by: 'domain' });
    const bob = await accountOf('cus_gmail');
    const carol = await accountOf('cus_gmail2');
    // free-mail customers each get their own account, named from the customer, carrying the connector
    expect(bob).toMatchObject({ linked_by: 'created', name: 'Bob Jones', connector_id: 'conn_link' });
    expect(carol).toMatchObject({ linked_by: 'created', name: 'carol@gmail.com' });
    expect(bob!.account_id).not.toBe(carol!.account_id);
    // a new company account then collects its colleagues by domain
    const initech = await accountOf('cus_new_co');
    expect(await accountOf('cus_same_co')).toMatchObject({
      account_id: initech!.account_id,
      linked_by: 'domain',
    });
    const hand = await db.query<{ connector_id: string | null }>(
      'SELECT connector_id FROM accounts WHERE id = $1',
      [acme.id],
    );
    expect(hand.rows[0]!.connector_id).toBeNull();
  });

  it('keeps a manual link through re-syncs, even when metadata names another account', async () => {
    const db = store().db;
    const target = await createAccount(db, 'default', { name: 'Hand-picked' });
    const other = await createAccount(db, 'default', { name: 'Metadata says', external_id: 'crm-9' });
    await applyStripeObjects(db, scope, [customer({ id: 'cus_manual', email: 'z@gmail.com' })], {
      sourceTs: 1,
    });
    await linkCustomers(db, { ...scope, customerIds: ['cus_manual'] });
    await linkCustomerManually(db, {
      workspaceId: 'default',
      accountId: target.id,
      customerId: 'cus_manual',
    });
    // a re-sync brings a newer state of the customer, now with metadata
    await applyStripeObjects(
      db,
      scope,
      [customer({ id: 'cus_manual', email: 'z@gmail.com', meta: 'crm-9' })],
      { sourceTs: 2 },
    );
    await linkCustomers(db, scope);
    expect(await accountOf('cus_manual')).toMatchObject({
      account_id: target.id,
      manual: true,
      linked_by: 'manual',
    });
    expect(other.id).not.toBe(target.id);
  });

  it('moves an automatic link when the customer metadata later names an account', async () => {
    const db = store().db;
    await applyStripeObjects(db, scope, [customer({ id: 'cus_moves', email: 'm@gmail.com' })], {
      sourceTs: 1,
    });
    await linkCustomers(db, { ...scope, customerIds: ['cus_moves'] });
    const before = await accountOf('cus_moves');
    const named = await createAccount(db, 'default', { name: 'Named', external_id: 'crm-move' });
    await applyStripeObjects(
      db,
      scope,
      [customer({ id: 'cus_moves', email: 'm@gmail.com', meta: 'crm-move' })],
      { sourceTs: 2 },
    );
    const r = await linkCustomers(db, { ...scope, customerIds: ['cus_moves'] });
    expect(r.affectedAccountIds.sort()).toEqual([before!.account_id, named.id].sort());
    expect(await accountOf('cus_moves')).toMatchObject({ account_id: named.id, linked_by: 'metadata' });
  });
});
