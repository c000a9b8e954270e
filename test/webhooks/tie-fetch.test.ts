import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/db/client.ts';
import { createStripeClient } from '../../src/stripe/client.ts';
import { stripeObjectFetcher } from '../../src/webhooks/fetch-object.ts';

// The tie re-read is best-effort: it must give up quickly and stop asking a Stripe that does not
// answer, or every same-second tie holds a worker for the client's whole retry schedule.
describe('tie re-fetch', () => {
  let server: Server;
  let apiBase: string;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      if (req.url?.startsWith('/v1/customers/cus_hang')) return; // never answers
      if (req.url?.startsWith('/v1/customers/cus_gone')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { type: 'invalid_request_error', message: 'No such customer' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'cus_ok', object: 'customer', email: 'a@b.test' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const scope = { workspaceId: 'default', connectorId: 'conn_tie' };
  const tx = {} as Queryable;
  const fetcherAt = (now: () => number) => {
    const client = createStripeClient({ apiKey: 'rk_test_tie', apiBase, rateLimitRps: 1000 });
    return stripeObjectFetcher(async () => client, {
      timeoutMs: 300,
      maxRetries: 1,
      pauseAfterFailureMs: 60_000,
      now,
    });
  };

  it('reads the current object, and records a 404 as a deletion', async () => {
    const fetch = fetcherAt(Date.now);
    expect(await fetch(tx, scope, { family: 'customers', id: 'cus_ok' })).toMatchObject({
      object: { id: 'cus_ok', email: 'a@b.test' },
    });
    expect(await fetch(tx, scope, { family: 'customers', id: 'cus_gone' })).toMatchObject({
      object: { id: 'cus_gone', deleted: true },
    });
  });

  it('gives up on a Stripe that does not answer, then skips Stripe for the pause', async () => {
    let clock = Date.now();
    const fetch = fetcherAt(() => clock);
    seen.length = 0;
    expect(await fetch(tx, scope, { family: 'customers', id: 'cus_hang' })).toBeNull();
    // Two attempts that each timed out (the server never answers), not the client's seven.
    expect(seen.filter((u) => u.includes('cus_hang'))).toHaveLength(2);

    // Within the pause: answered at once, nothing asked.
    expect(await fetch(tx, scope, { family: 'customers', id: 'cus_ok' })).toBeNull();
    expect(seen.filter((u) => u.includes('cus_ok'))).toHaveLength(0);

    // After it: asked again.
    clock += 60_001;
    expect(await fetch(tx, scope, { family: 'customers', id: 'cus_ok' })).toMatchObject({
      object: { id: 'cus_ok' },
    });
  });
});
