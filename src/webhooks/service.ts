import type { Registry } from 'prom-client';
import type { Vault } from '../connector/vault.ts';
import type { Db, Queryable } from '../db/client.ts';
import type { ConnectorStripe } from '../stripe/client.ts';
import type { AfterApplyHook } from './apply-event.ts';
import type { ResyncFamilies } from './catch-up.ts';
import { type CatchUpScheduler, createCatchUpScheduler } from './catch-up-scheduler.ts';
import { type ConnectorCache, createConnectorCache } from './connector-cache.ts';
import { stripeObjectFetcher } from './fetch-object.ts';
import { createGroupInsert } from './inbox/group-insert.ts';
import { createIntake, type Intake } from './intake.ts';
import { createIntakeStats, type IntakeStats } from './intake-stats.ts';
import { type WebhookMetrics, webhookMetrics } from './metrics.ts';
import { type WebhookSettings, webhookSettings } from './settings.ts';
import { createWorkerPool, type WorkerPool } from './worker.ts';

/**
 * Webhook intake and processing, assembled: the intake the route calls, the worker pool, the
 * catch-up scheduler and the counters. The HTTP route and the server both use one instance, so a
 * delivery accepted by the route wakes this process's workers at once.
 */

type Log = {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  info?(obj: object, msg: string): void;
};

export interface WebhookServiceOptions {
  db: Db;
  vault: Vault;
  registry: Registry;
  settings?: Partial<WebhookSettings>;
  /** Worker loops in this process (0: intake only; another process applies the events). */
  workers?: number;
  /** Run in the worker's transaction after each event is applied (account recompute …). */
  afterApply?: readonly AfterApplyHook[];
  /** The connector's Stripe client, for catch-up listing and same-second tie re-fetches. */
  clientFor?: (connectorId: string, q?: Queryable) => Promise<ConnectorStripe | null>;
  /** Re-sync families when catch-up finds a gap older than Stripe's event retention. */
  resync?: ResyncFamilies;
  log?: Log;
}

export interface WebhookService {
  readonly settings: WebhookSettings;
  readonly metrics: WebhookMetrics;
  readonly stats: IntakeStats;
  readonly connectors: ConnectorCache;
  readonly receive: Intake;
  readonly workers: WorkerPool;
  readonly catchUp: CatchUpScheduler;
  /** Starts the workers, the counter flushes and the catch-up schedule. */
  start(): void;
  /** Stops taking new work, lets batches in flight commit, flushes the counters. */
  stop(): Promise<void>;
}

export function createWebhookService(options: WebhookServiceOptions): WebhookService {
  const settings = webhookSettings(options.settings);
  const metrics = webhookMetrics(options.registry);
  const stats = createIntakeStats(options.db, (error) =>
    options.log?.warn({ err: error }, 'could not write webhook intake counters; will retry'),
  );
  const connectors = createConnectorCache({
    db: options.db,
    vault: options.vault,
    ttlMs: settings.connectorCacheMs,
  });
  const workers = createWorkerPool(
    {
      db: options.db,
      settings:
        options.db.kind === 'pglite'
          ? { ...settings, batchSize: Math.min(settings.batchSize, settings.pgliteBatchSize) }
          : settings,
      metrics,
      afterApply: options.afterApply ?? [],
      fetchObject: options.clientFor ? stripeObjectFetcher(options.clientFor) : undefined,
      log: options.log,
    },
    options.workers ?? 0,
  );
  const receive = createIntake({
    db: options.db,
    insert: createGroupInsert({
      db: options.db,
      maxRows: settings.groupCommitMaxRows,
      maxDelayMs: settings.groupCommitDelayMs,
      maxInFlight: options.db.kind === 'pglite' ? 1 : settings.groupCommitInFlight,
    }),
    connectors,
    stats,
    metrics,
    toleranceSeconds: settings.toleranceSeconds,
    maxBodyBytes: settings.maxBodyBytes,
    onAccepted: () => workers.wake(),
    log: options.log,
  });
  const catchUp = createCatchUpScheduler({
    db: options.db,
    settings,
    clientFor: options.clientFor ?? (async () => null),
    resync: options.resync,
    onInserted: () => workers.wake(),
    log: options.log,
  });
  let started = false;
  return {
    settings,
    metrics,
    stats,
    connectors,
    receive,
    workers,
    catchUp,
    start() {
      if (started) return;
      started = true;
      stats.start(settings.statsFlushMs);
      workers.start();
      if (options.clientFor) catchUp.start(settings.catchUpIntervalMs);
    },
    async stop() {
      await catchUp.stop();
      await workers.stop();
      await stats.stop();
    },
  };
}
