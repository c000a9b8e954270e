import { setupNeeded } from '../auth/setup.ts';
import { DEFAULT_CONNECTOR_ID, type StartServerOptions } from '../server/start-server.ts';
import { serveHooks as syncHooks } from '../sync/serve-hooks.ts';
import { connectDemo, demoSkipReason, type RunningDemo, startDemo } from './start-demo.ts';

/**
 * Plugs the demo into `atlas-stripe serve` (src/cli/commands/serve.ts loads this file). It does
 * nothing when a Stripe key is configured, a connector is already set up, or ATLAS_DEMO=false.
 */

let running: RunningDemo | null = null;

/** The demo of this process, if it started (in-process tests stop it with the server). */
export function currentDemo(): RunningDemo | null {
  return running;
}

export const serveHooks: StartServerOptions = {
  beforeListen: async (ctx) => {
    const skip = await demoSkipReason(ctx.config, ctx.db);
    if (skip) {
      ctx.log.info({ reason: skip }, 'demo sandbox not started');
      return;
    }
    running = await startDemo(ctx);
    ctx.log.info({ apiBase: running.sandbox.apiBase }, 'demo: built-in Stripe sandbox started');
  },
  afterListen: async (ctx) => {
    const demo = running;
    if (!demo) return;
    await connectDemo(demo, ctx);
    const sync = syncHooks.appDeps?.sync;
    // The runner recomputes the connector's accounts when the backfill ends (src/sync/after-run.ts).
    if (sync) await sync.start(DEFAULT_CONNECTOR_ID);
    else ctx.log.warn('demo: no sync runner in this server, so no backfill; webhooks still arrive');

    const base = (ctx.config.publicUrl ?? ctx.url).replace(/\/+$/, '');
    // start-server printed the one-time owner link just before this hook; a second link would void it.
    const needsOwner = await setupNeeded(ctx.db);
    const o = demo.options;
    process.stdout.write(
      [
        '',
        'DEMO MODE: no Stripe key is configured, so Atlas runs on its built-in Stripe sandbox (simulated data).',
        needsOwner
          ? '  Create the owner with the one-time set-up link printed above, then open Accounts.'
          : `  Open ${base} and sign in.`,
        `  Sandbox: seed ${o.seed}, ${o.customers} customers; its clock moves ${o.advanceSeconds / 3600} h every ${o.tickMs / 1000} s, so events arrive live.`,
        '  Real Stripe: set ATLAS_STRIPE_API_KEY and ATLAS_STRIPE_WEBHOOK_SECRET, or disconnect the sandbox and connect on the Connector page.',
        '  ATLAS_DEMO=false starts without the demo.',
        '',
      ].join('\n'),
    );
  },
};
