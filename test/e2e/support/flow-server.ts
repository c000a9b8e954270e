import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { type Sandbox, startSandbox } from '../../../sandbox/index.ts';
import { serveHooks as accountsHooks } from '../../../src/accounts/serve-hooks.ts';
import { mergeServeOptions } from '../../../src/cli/commands/serve.ts';
import { resolveConfig } from '../../../src/config/config.ts';
import { type RunningServer, startServer } from '../../../src/server/start-server.ts';
import { serveHooks as syncHooks } from '../../../src/sync/serve-hooks.ts';
import { freePort } from './free-port.ts';

/**
 * A fresh deployment as `serve` composes it (sync runner, accounts recompute), demo off, on its own
 * data folder, plus a sandbox whose webhooks are signed with its own secret and sent to it.
 */
export interface FlowEnv {
  server: RunningServer;
  sandbox: Sandbox;
  stripe: Stripe;
  close(): Promise<void>;
}

export async function startFlowEnv(options: { customers: number; seed: number }): Promise<FlowEnv> {
  const dataDir = mkdtempSync(join(tmpdir(), 'atlas-e2e-'));
  const port = await freePort();
  const sandbox = await startSandbox({
    seed: options.seed,
    customers: options.customers,
    webhookUrl: `http://127.0.0.1:${port}/webhooks/stripe`,
    // Rejected deliveries are retried soon, so a fixed secret is seen within the test.
    webhookRetrySchedule: [2, 2, 5, 5, 10],
    // History up to today, so health reads naturally against the wall clock.
    now: Math.floor(Date.now() / 1000),
  });
  const config = resolveConfig({ dataDir, port, demo: false, logLevel: 'warn', host: '127.0.0.1' }, {});
  const server = await startServer(config, mergeServeOptions([syncHooks, accountsHooks]));
  const stripe = new Stripe(sandbox.secretKey, { host: '127.0.0.1', port: sandbox.port, protocol: 'http' });
  return {
    server,
    sandbox,
    stripe,
    async close() {
      await sandbox.close();
      await syncHooks.appDeps?.sync?.close();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Stripe's "Send test webhook" for customer.subscription.created: a real subscription, on trial. */
export async function sendTestEvent(stripe: Stripe): Promise<void> {
  const price = (await stripe.prices.list({ limit: 1, type: 'recurring' })).data[0];
  if (!price) throw new Error('The sandbox has no recurring price to subscribe to');
  const customer = await stripe.customers.create({ email: `test-event-${Date.now()}@example.org` });
  await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    trial_period_days: 14,
  });
}
