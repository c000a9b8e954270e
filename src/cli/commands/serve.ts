import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { resolveConfig } from '../../config/config.ts';
import { POSTGRES_DEFAULT_WORKERS, type StartServerOptions, startServer } from '../../server/start-server.ts';
import { STORE_FLAGS } from '../context.ts';
import { exitWithError, nonNegativeInteger, positiveNumber } from '../errors.ts';

/**
 * `atlas-stripe serve`: runs the deployment headless. With --stripe-api-key (or ATLAS_STRIPE_API_KEY)
 * it sets up the default connector (conn_default) itself, so no UI step is needed.
 */

interface ServeFlags {
  dataDir?: string;
  databaseUrl?: string;
  port?: number;
  host?: string;
  stripeApiKey?: string;
  stripeWebhookSecret?: string;
  stripeApiBase?: string;
  workers?: number;
  maxAttempts?: number;
  catchUpInterval?: number;
  logLevel?: string;
}

/**
 * SEAM: optional parts that hook into serve without editing this file. A module at one of these
 * paths exporting `serveHooks: StartServerOptions` (e.g. the demo's `beforeListen` that starts the
 * built-in sandbox when no key is configured, the sync runner's `sync`, the accounts' `afterApply`)
 * is merged in, in this order.
 */
const OPTIONAL_HOOKS = [
  '../../sync/serve-hooks.ts',
  '../../accounts/serve-hooks.ts',
  '../../demo/serve-hooks.ts',
];

async function optionalHooks(): Promise<StartServerOptions[]> {
  const found: StartServerOptions[] = [];
  for (const rel of OPTIONAL_HOOKS) {
    const file = join(import.meta.dirname, rel);
    if (!existsSync(file)) continue;
    const mod = (await import(file)) as { serveHooks?: StartServerOptions };
    if (mod.serveHooks) found.push(mod.serveHooks);
  }
  return found;
}

/** Several parts' hooks into one options object: callbacks run in order, hooks arrays concatenate. */
export function mergeServeOptions(parts: StartServerOptions[]): StartServerOptions {
  return {
    beforeListen: async (ctx) => {
      for (const p of parts) await p.beforeListen?.(ctx);
    },
    afterListen: async (ctx) => {
      for (const p of parts) await p.afterListen?.(ctx);
    },
    afterApply: parts.flatMap((p) => p.afterApply ?? []),
    sync: parts.find((p) => p.sync)?.sync,
    appDeps: Object.assign({}, ...parts.map((p) => p.appDeps ?? {})),
  };
}

export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description('Run the connector: HTTP API, web UI, webhook intake and workers');
  for (const [flag, help] of STORE_FLAGS) cmd.option(flag, help);
  cmd
    .option(
      '--port <port>',
      'port to listen on (or ATLAS_PORT; 0 picks a free one)',
      nonNegativeInteger('--port'),
    )
    .option('--host <host>', 'address to listen on (or ATLAS_HOST)')
    .option(
      '--stripe-api-key <key>',
      'restricted or secret key for the default connector (or ATLAS_STRIPE_API_KEY)',
    )
    .option('--stripe-webhook-secret <whsec>', 'webhook signing secret (or ATLAS_STRIPE_WEBHOOK_SECRET)')
    .option('--stripe-api-base <url>', 'Stripe API base, e.g. the sandbox (or ATLAS_STRIPE_API_BASE)')
    .option(
      '--workers <n>',
      `webhook workers in this process (or ATLAS_WORKERS; default 2, ${POSTGRES_DEFAULT_WORKERS} on PostgreSQL; 0: intake only)`,
      nonNegativeInteger('--workers'),
    )
    .option(
      '--max-attempts <n>',
      'tries before a failing webhook event is parked (default 8)',
      positiveNumber('--max-attempts'),
    )
    .option(
      '--catch-up-interval <seconds>',
      'how often to list missed events from /v1/events (default 300; 0: only at start)',
      nonNegativeInteger('--catch-up-interval'),
    )
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (or ATLAS_LOG_LEVEL)')
    .action(async (flags: ServeFlags) => {
      try {
        const { maxAttempts, catchUpInterval, ...configFlags } = flags;
        const config = resolveConfig(configFlags);
        // More workers on PostgreSQL unless the operator chose a number (flag or ATLAS_WORKERS).
        const workersChosen = flags.workers !== undefined || Boolean(process.env.ATLAS_WORKERS);
        const workers = config.databaseUrl && !workersChosen ? POSTGRES_DEFAULT_WORKERS : undefined;
        const hooks = mergeServeOptions(await optionalHooks());
        const server = await startServer(config, {
          ...hooks,
          workers,
          webhookSettings: {
            ...(maxAttempts ? { maxAttempts: Math.floor(maxAttempts) } : {}),
            ...(catchUpInterval === undefined ? {} : { catchUpIntervalMs: catchUpInterval * 1000 }),
          },
          handleSignals: true,
          onSignalStopped: () => process.exit(0),
        });
        process.stdout.write(`atlas-stripe listening on ${server.url}\n`);
      } catch (error) {
        exitWithError(error);
      }
    });
}
