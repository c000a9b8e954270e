import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { createApiToken } from '../../src/auth/tokens.ts';
import { resolveConfig } from '../../src/config/config.ts';
import { createVault } from '../../src/connector/vault.ts';
import { describeEachStore } from '../support/stores.ts';

describeEachStore('accounts and revenue API', ({ store }) => {
  const setup = async () => {
    const db = store().db;
    await db.query(`INSERT INTO workspaces (id, name) VALUES ('ws_other', 'Other') ON CONFLICT DO NOTHING`);
    const app = await buildApp({
      db,
      vault: createVault(Buffer.alloc(32, 1)),
      config: resolveConfig({}, {}),
      registry: new Registry(),
    });
    const { token } = await createApiToken(db, { workspaceId: 'default', name: 'w', scope: 'write' });
    const other = await createApiToken(db, { workspaceId: 'ws_other', name: 'o', scope: 'write' });
    const call = (
      method: string,
      url: string,
      payload?: unknown,
      headers: Record<string, string> = {},
      tok = token,
    ) =>
      app.inject({
        method: method as 'GET',
        url,
        payload: payload as string,
        headers: { authorization: `Bearer ${tok}`, ...headers },
      });
    return { call, otherToken: other.token };
  };

  it('creates, lists, updates and deletes accounts, and hides them from other workspaces', async () => {
    const { call, otherToken } = await setup();
    const created = await call('POST', '/api/accounts', {
      name: 'Acme',
      domain: 'https://www.Acme.com/',
      external_id: 'crm-1',
      owner: 'ann',
    });
    expect(created.statusCode).toBe(201);
    const acme = created.json();
    expect(acme).toMatchObject({
      name: 'Acme',
      domain: 'acme.com',
      health: 'no_billing',
      mrr: { amount: 0, currency: 'usd' },
    });
    expect(acme.reasons[0].code).toBe('no_customer');

    const dup = await call('POST', '/api/accounts', { name: 'Acme 2', external_id: 'crm-1' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('external_id_taken');

    const bad = await call('POST', '/api/accounts', { name: '', domain: 'not a domain' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_request');

    const patched = await call('PATCH', `/api/accounts/${acme.id}`, { owner: 'bob' });
    expect(patched.json().owner).toBe('bob');

    const list = await call('GET', '/api/accounts?q=acm&sort=-mrr&limit=1');
    expect(list.json().data.map((a: { id: string }) => a.id)).toEqual([acme.id]);
    expect((await call('GET', '/api/accounts?health=sick')).statusCode).toBe(400);
    expect((await call('GET', '/api/accounts?limit=0')).statusCode).toBe(400);

    // another workspace sees nothing of it
    expect((await call('GET', `/api/accounts/${acme.id}`, undefined, {}, otherToken)).statusCode).toBe(404);
    expect((await call('PATCH', `/api/accounts/${acme.id}`, { name: 'x' }, {}, otherToken)).statusCode).toBe(
      404,
    );
    expect((await call('DELETE', `/api/accounts/${acme.id}`, undefined, {}, otherToken)).statusCode).toBe(
      404,
    );
    expect((await call('GET', '/api/accounts', undefined, {}, otherToken)).json().data).toEqual([]);

    const detail = await call('GET', `/api/accounts/${acme.id}`);
    expect(detail.json()).toMatchObject({ id: acme.id, customers: [], subscriptions: [], cards: [] });
    expect((await call('GET', `/api/accounts/${acme.id}/timeline`)).json()).toEqual({ data: [] });
    const unknownCustomer = await call('POST', `/api/accounts/${acme.id}/customers`, {
      customer_id: 'cus_nope',
    });
    expect(unknownCustomer.statusCode).toBe(404);
    expect(unknownCustomer.json().error.code).toBe('customer_not_found');

    expect((await call('DELETE', `/api/accounts/${acme.id}`)).json()).toEqual({ deleted: true, id: acme.id });
    expect((await call('GET', `/api/accounts/${acme.id}`)).statusCode).toBe(404);
  });

  it('imports a CSV all or nothing, with an error per bad row', async () => {
    const { call } = await setup();
    const csv = 'text/csv';
    const bad = await call(
      'POST',
      '/api/accounts/import',
      'name,domain,external id,owner\nGood Co,good.co,imp-1,ann\n,missing.name,imp-2,\nDup,dup.co,imp-1,\nBad domain,not a domain,,\n',
      { 'content-type': csv },
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json().imported).toBe(0);
    expect(bad.json().errors).toEqual([
      { row: 2, field: 'name', message: 'name is required' },
      { row: 3, field: 'external_id', message: 'external_id "imp-1" is also on row 1' },
      { row: 4, field: 'domain', message: 'domain must look like example.com' },
    ]);
    expect((await call('GET', '/api/accounts?q=Good')).json().data).toEqual([]);

    const ok = await call(
      'POST',
      '/api/accounts/import',
      'name,domain,external_id,owner\nGood Co,good.co,imp-1,ann\n"Quoted, Inc",quoted.io,imp-3,\n',
      {
        'content-type': csv,
      },
    );
    expect(ok.json()).toMatchObject({ imported: 2, created: 2, errors: [] });
    // re-importing updates by external id instead of duplicating
    const again = await call('POST', '/api/accounts/import', 'name,external_id\nGood Company,imp-1\n', {
      'content-type': csv,
    });
    expect(again.json()).toMatchObject({ imported: 1, updated: 1 });
    expect(
      (await call('GET', '/api/accounts?q=imp-1')).json().data.map((a: { name: string }) => a.name),
    ).toEqual(['Good Company']);
  });

  it('loads FX rates (JSON or CSV), rejects bad rows, and validates report parameters', async () => {
    const { call } = await setup();
    const badRates = await call('PUT', '/api/fx-rates', {
      rates: [{ date: '2026-13-01', base: 'eur', quote: 'usd', rate: '-1' }],
    });
    expect(badRates.statusCode).toBe(400);
    expect(badRates.json().error.code).toBe('invalid_fx_rates');
    expect((await call('GET', '/api/fx-rates')).json().data).toEqual([]);
    const put = await call(
      'PUT',
      '/api/fx-rates',
      'date,base,quote,rate\n2026-01-01,EUR,USD,1.08\n2026-01-01,JPY,USD,0.0067\n',
      { 'content-type': 'text/csv' },
    );
    expect(put.json().saved).toBe(2);
    expect((await call('GET', '/api/fx-rates')).json().data).toContainEqual({
      date: '2026-01-01',
      base: 'eur',
      quote: 'usd',
      rate: '1.08',
    });

    const report = await call('GET', '/api/reports/mrr?from=2026-01&to=2026-03&interval=month');
    expect(report.statusCode).toBe(200);
    expect(report.json().points.map((p: { period: string }) => p.period)).toEqual([
      '2026-01',
      '2026-02',
      '2026-03',
    ]);
    const badInterval = await call('GET', '/api/reports/mrr?interval=week');
    expect(badInterval.statusCode).toBe(400);
    expect(badInterval.json().error.code).toBe('invalid_request');
    expect((await call('GET', '/api/reports/mrr?from=2026-05&to=2026-01')).statusCode).toBe(400);
  });
});
