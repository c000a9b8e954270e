import type { Config } from '../config/config.ts';
import { getConnector, listConnectors } from '../connector/connectors.ts';
import { disconnectConnector } from '../connector/erase.ts';
import type { Db } from '../db/client.ts';
import { listFxRates, saveFxRates, validateFxRows } from '../reports/fx-rates.ts';
import { DEFAULT_CONNECTOR_ID, type ServerContext } from '../server/start-server.ts';

/**
 * The one-command demo: with no Stripe key configured (and demo not turned off), `serve` starts the
 * built-in sandbox in this process, connects the default connector to it, backfills, and keeps the
 * sandbox clock moving so renewals, failures, recoveries and disputes arrive as live webhooks.
 * With a key configured none of this runs, and the sandbox code is never even loaded.
 */

export interface DemoOptions {
  /** Sandbox data set: the same seed gives the same customers and history. */
  seed: number;
  customers: number;
  /** Real milliseconds between clock advances, and simulated seconds per advance. */
  tickMs: number;
  advanceSeconds: number;
}

export const DEMO_DEFAULTS: DemoOptions = {
  seed: 42,
  customers: 250,
  tickMs: 2000,
  advanceSeconds: 6 * 3600,
};

type Sandbox = Awaited<ReturnType<typeof import('../../sandbox/index.ts').startSandbox>>;

export interface RunningDemo {
  sandbox: Sandbox;
  options: DemoOptions;
  stop(): Promise<void>;
}

/** Why the demo does not start, or null when it should. */
export async function demoSkipReason(config: Config, db: Db): Promise<string | null> {
  if (!config.demo) return 'demo mode is off (ATLAS_DEMO=false)';
  if (config.stripeApiKey) return 'a Stripe key is configured';
  const others = (await listConnectors(db)).filter((c) => c.id !== DEFAULT_CONNECTOR_ID);
  if (others.length > 0) return `a Stripe connector (${others[0]!.id}) is already connected`;
  const previous = await getConnector(db, DEFAULT_CONNECTOR_ID);
  // A default connector without an API base talks to real Stripe (set up headless earlier): keep it.
  if (previous?.apiKeyMask && previous.apiBase === null)
    return 'the default connector is connected to Stripe';
  return null;
}

/**
 * Starts the sandbox. The previous demo's rows are erased first: the sandbox regenerates its
 * history from the seed on every start, so keeping old rows (stamped with a later simulated
 * time) would mix two timelines.
 */
export async function startDemo(
  ctx: Pick<ServerContext, 'db' | 'log'>,
  options: Partial<DemoOptions> = {},
): Promise<RunningDemo> {
  const o = { ...DEMO_DEFAULTS, ...options };
  const previous = await getConnector(ctx.db, DEFAULT_CONNECTOR_ID);
  if (previous) {
    const { erased } = await disconnectConnector(ctx.db, {
      connector: previous,
      actor: 'system:demo',
      deleteData: true,
    });
    ctx.log.info({ erased }, 'demo: erased the previous demo run');
  }
  await ensureDemoFxRates(ctx.db);
  // Loaded only in demo mode: a deployment with a real key never runs sandbox code.
  const { startSandbox } = await import('../../sandbox/index.ts');
  // History up to today, so health and MRR read naturally against the wall clock; the clock then
  // runs ahead of real time.
  const sandbox = await startSandbox({
    seed: o.seed,
    customers: o.customers,
    port: 0,
    now: Math.floor(Date.now() / 1000),
  });
  return {
    sandbox,
    options: o,
    async stop() {
      await sandbox.close();
    },
  };
}

/**
 * Once the server listens (its URL is known only then): a webhook endpoint in the sandbox for it,
 * the default connector with the sandbox's restricted key and that endpoint's signing secret, and
 * the clock set moving. The caller starts the backfill.
 */
export async function connectDemo(
  demo: RunningDemo,
  ctx: Pick<ServerContext, 'setupDefaultConnector'> & { url: string },
): Promise<void> {
  const { sandbox, options } = demo;
  // The sandbox runs in this process, so it posts to the local address, not the public one.
  const endpoint = sandbox.admin.addWebhookEndpoint(`${ctx.url}/webhooks/stripe`);
  try {
    await ctx.setupDefaultConnector({
      apiKey: sandbox.restrictedKey,
      webhookSecret: endpoint.secret,
      apiBase: sandbox.apiBase,
    });
  } catch (error) {
    await demo.stop();
    throw new Error('The demo could not connect to its sandbox; set ATLAS_DEMO=false to start without it', {
      cause: error,
    });
  }
  sandbox.admin.startAutoAdvance({ intervalMs: options.tickMs, stepSeconds: options.advanceSeconds });
}

/** Illustrative rates (not market data) for the sandbox's currencies, dated before its history. */
export const DEMO_FX_RATES = [
  { date: '2020-01-01', base: 'eur', quote: 'usd', rate: '1.08' },
  { date: '2020-01-01', base: 'gbp', quote: 'usd', rate: '1.27' },
  { date: '2020-01-01', base: 'jpy', quote: 'usd', rate: '0.0067' },
];

/**
 * The sandbox bills in EUR, GBP and JPY too; without rates the revenue page could only show USD.
 * Only when the workspace has no rates of its own, so a user's table is never overwritten.
 */
export async function ensureDemoFxRates(db: Db): Promise<void> {
  if ((await listFxRates(db, 'default')).length > 0) return;
  await saveFxRates(db, 'default', validateFxRows(DEMO_FX_RATES));
}
