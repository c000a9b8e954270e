import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveConfig } from '../../src/config/config.ts';
import { startServer } from '../../src/server/start-server.ts';
import type { AfterApplyHook } from '../../src/webhooks/apply-event.ts';

/**
 * A deployment in a process of its own, for the crash test: `npx node serve-process.ts <dataDir>
 * <workers> <secret>`. It runs the real server (startServer: lock, migrations, intake, workers,
 * catch-up) on a PGlite data folder, with a test-only afterApply hook that records every event
 * application in `test_applications`, in the worker's transaction (so an application counts exactly
 * when it commits). Prints `{"url": …}` once listening. With workers > 0 it waits until the inbox has
 * nothing due, prints `{"applications": {event_id: n}, "statuses": {…}}`, stops cleanly and exits.
 */

const [dataDir, workersArg, secret] = process.argv.slice(2) as [string, string, string];
const workers = Number(workersArg);

// Catch-up lists /v1/events at start: a local stand-in answering "no events" keeps it off the network.
const stripe = createServer((_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.setHeader('request-id', 'req_test');
  res.end(JSON.stringify({ object: 'list', data: [], has_more: false, url: '/v1/events' }));
});
await new Promise<void>((resolve) => stripe.listen(0, '127.0.0.1', resolve));
const apiBase = `http://127.0.0.1:${(stripe.address() as AddressInfo).port}`;

const countApplications: AfterApplyHook = async (tx, { event, events = [event] }) => {
  for (const e of events) await tx.query('INSERT INTO test_applications (event_id) VALUES ($1)', [e.id]);
};

const config = resolveConfig(
  {
    dataDir,
    port: 0,
    workers,
    logLevel: 'silent',
    demo: false,
    stripeApiKey: 'rk_test_crashtest',
    stripeWebhookSecret: secret,
    stripeApiBase: apiBase,
  },
  {},
);
const server = await startServer(config, {
  command: 'crash test',
  afterApply: [countApplications],
  beforeListen: async (ctx) => {
    await ctx.db.exec('CREATE TABLE IF NOT EXISTS test_applications (event_id text NOT NULL)');
  },
});
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);

if (workers > 0) {
  for (;;) {
    const { rows } = await server.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM webhook_inbox WHERE status IN ('pending', 'failed')`,
    );
    if (rows[0]!.n === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const applied = await server.db.query<{ event_id: string; n: number }>(
    'SELECT event_id, count(*)::int AS n FROM test_applications GROUP BY event_id',
  );
  const statuses = await server.db.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM webhook_inbox GROUP BY status',
  );
  const customers = await server.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM stripe_customers WHERE deleted = false',
  );
  process.stdout.write(
    `${JSON.stringify({
      applications: Object.fromEntries(applied.rows.map((r) => [r.event_id, r.n])),
      statuses: Object.fromEntries(statuses.rows.map((r) => [r.status, r.n])),
      customers: customers.rows[0]!.n,
    })}\n`,
  );
  await server.stop();
  stripe.close();
  process.exit(0);
}
