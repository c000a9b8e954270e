import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { buildApp } from '../api/app.ts';
import type { AppDeps } from '../api/deps.ts';
import { sessionAuthenticator } from '../auth/session-authenticator.ts';
import { issueSetupLinkIfNeeded } from '../auth/setup.ts';
import type { Config } from '../config/config.ts';
import { type Connector, saveConnector } from '../connector/connectors.ts';
import { createVault, loadMasterKey, type Vault } from '../connector/vault.ts';
import type { Db } from '../db/client.ts';
import { openStore } from '../db/open-store.ts';
import type { AfterApplyHook } from '../webhooks/apply-event.ts';
import type { ResyncFamilies } from '../webhooks/catch-up.ts';
import { createWebhookService, type WebhookService } from '../webhooks/service.ts';
import type { WebhookSettings } from '../webhooks/settings.ts';
import { createLogger, loggerOptions } from './logger.ts';
import { type ClientFor, type ConnectorClients, createConnectorClients } from './stripe-clients.ts';

/**
 * A running deployment, composed: store (lock + migrations), vault, metrics registry, the headless
 * default connector, the webhook service (intake, workers, catch-up) and the HTTP app. `stop()`
 * (also on SIGINT/SIGTERM when asked) stops intake, lets worker batches commit, flushes counters,
 * closes the store and releases the data-folder lock.
 *
 * SEAMS for the parts other engineers plug in, without editing this file:
 *   - demo (src/demo/): `beforeListen` starts the built-in sandbox when no key is configured and calls
 *     `ctx.setupDefaultConnector(...)`; `afterListen` points the sandbox's webhooks at `ctx.url`.
 *   - sync runner (src/sync/): `sync.resync` is called by catch-up on a gap older than Stripe's event
 *     retention; pass the runner itself in `appDeps` if routes need it.
 *   - accounts: `afterApply` hooks run in the webhook worker's transaction (recompute touched accounts).
 */

export const DEFAULT_CONNECTOR_ID = 'conn_default';

/**
 * Worker loops on PostgreSQL when none is configured: each loop holds one pooled connection for a
 * short batch, so several run truly in parallel there (on PGlite they would only take turns on the
 * one connection, so the config default of 2 stays).
 */
export const POSTGRES_DEFAULT_WORKERS = 4;

export interface ServerContext {
  config: Config;
  db: Db;
  vault: Vault;
  registry: Registry;
  log: Logger;
  webhooks: WebhookService;
  /** The connector's one shared Stripe client (one rate budget per connector): pass it to the sync runner. */
  clientFor: ClientFor;
  stripeClients: ConnectorClients;
  /** Creates or updates the default connector (id conn_default, workspace default). */
  setupDefaultConnector(input: {
    apiKey: string;
    webhookSecret?: string;
    apiBase?: string;
    rateLimitRps?: number;
  }): Promise<Connector>;
}

export interface StartServerOptions {
  /** Before the port opens (seed data, start a demo sandbox, set up a connector). */
  beforeListen?: (ctx: ServerContext) => Promise<void>;
  /** Once listening (`ctx.url` is known): point a sandbox's webhooks here, print banners. */
  afterListen?: (ctx: ServerContext & { url: string; app: FastifyInstance }) => Promise<void>;
  /** Run in each webhook worker transaction after an event is applied. */
  afterApply?: readonly AfterApplyHook[];
  /** The sync runner, for catch-up's re-sync on a gap older than Stripe's event retention. */
  sync?: { resync: ResyncFamilies };
  /** Extra app deps (optional parts others add to AppDeps: sync runner, authenticators …). */
  appDeps?: Partial<AppDeps>;
  /**
   * Webhook worker loops, overriding config.workers (serve passes POSTGRES_DEFAULT_WORKERS on
   * PostgreSQL when --workers / ATLAS_WORKERS was not given).
   */
  workers?: number;
  /** Webhook settings beyond the config (attempts, backoff, catch-up interval …). */
  webhookSettings?: Partial<WebhookSettings>;
  /** Stop cleanly on SIGINT/SIGTERM, then call `onSignalStopped` (the CLI exits there). */
  handleSignals?: boolean;
  onSignalStopped?: (signal: NodeJS.Signals) => void;
  /** Where logs go (tests pass a stream); default stdout. */
  logDestination?: import('pino').DestinationStream;
  /** Command name recorded in the data-folder lock. */
  command?: string;
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  db: Db;
  webhooks: WebhookService;
  stop(): Promise<void>;
}

export async function startServer(config: Config, options: StartServerOptions = {}): Promise<RunningServer> {
  const log = createLogger(config.logLevel, options.logDestination);
  const store = await openStore(config, options.command ?? 'serve');
  const cleanups: (() => Promise<void>)[] = [() => store.close()];
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse())
      await fn().catch((error) => log.error({ err: error }, 'stop step failed'));
  };
  try {
    const { db } = store;
    const vault = createVault(loadMasterKey(config));
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const stripeClients = createConnectorClients({ db, vault, registry, rateLimitRps: config.rateLimitRps });
    const { clientFor } = stripeClients;
    const workers = options.workers ?? config.workers;
    const webhooks = createWebhookService({
      db,
      vault,
      registry,
      settings: options.webhookSettings,
      workers,
      afterApply: options.afterApply,
      clientFor,
      resync: options.sync?.resync,
      log: log.child({ part: 'webhooks' }),
    });
    const ctx: ServerContext = {
      config,
      db,
      vault,
      registry,
      log,
      webhooks,
      clientFor,
      stripeClients,
      setupDefaultConnector: async (input) => {
        const connector = await saveConnector(db, vault, {
          id: DEFAULT_CONNECTOR_ID,
          workspaceId: 'default',
          apiKey: input.apiKey,
          webhookSecret: input.webhookSecret,
          apiBase: input.apiBase ?? null,
          rateLimitRps: input.rateLimitRps ?? null,
        });
        webhooks.connectors.invalidate();
        log.info(
          { connectorId: connector.id, key: connector.apiKeyMask },
          'default Stripe connector configured',
        );
        return connector;
      },
    };
    if (config.stripeApiKey) {
      await ctx.setupDefaultConnector({
        apiKey: config.stripeApiKey,
        webhookSecret: config.stripeWebhookSecret,
        apiBase: config.stripeApiBase,
        rateLimitRps: config.rateLimitRps,
      });
    } else if (config.stripeWebhookSecret) {
      log.warn('a webhook signing secret was given without a Stripe API key: set --stripe-api-key too');
    }
    await options.beforeListen?.(ctx);
    // Runs last but one on stop: a running backfill is interrupted (resumable) before the store closes.
    cleanups.push(() => options.appDeps?.sync?.stopAll() ?? Promise.resolve());

    const app = await buildApp(
      {
        ...options.appDeps,
        db,
        vault,
        config,
        registry,
        webhooks,
        authenticators: [sessionAuthenticator(db), ...(options.appDeps?.authenticators ?? [])],
      },
      { logger: config.logLevel === 'silent' ? false : loggerOptions(config.logLevel) },
    );
    // Reverse order on stop: close the port first, then drain the workers, then the store.
    cleanups.push(() => webhooks.stop());
    cleanups.push(() => app.close());
    const address = await app.listen({ host: config.host, port: config.port });
    const url = address.replace('[::1]', '127.0.0.1');
    webhooks.start();
    log.info({ url, workers, store: db.kind }, 'atlas-stripe is serving');
    // The one-time owner link goes to the console only: logs are shipped elsewhere, the link is a secret.
    const setupLink = await issueSetupLinkIfNeeded(db, config.publicUrl ?? url);
    if (setupLink)
      console.log(`\nNo user yet. Create the workspace owner (single use, 24 h):\n  ${setupLink}\n`);
    await options.afterListen?.({ ...ctx, url, app });

    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= cleanup().then(() => log.info('atlas-stripe stopped'));
      return stopping;
    };
    if (options.handleSignals) {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.once(signal, () => {
          log.info({ signal }, 'stopping: draining webhook workers, closing the store');
          void stop().then(() => options.onSignalStopped?.(signal));
        });
      }
    }
    return { app, url, db, webhooks, stop };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
