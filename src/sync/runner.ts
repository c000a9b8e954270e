import type { Registry } from 'prom-client';
import { getApiKey, getConnector } from '../connector/connectors.ts';
import type { Vault } from '../connector/vault.ts';
import type { Db } from '../db/client.ts';
import { type ConnectorStripe, createStripeClient } from '../stripe/client.ts';
import { StripeRequestError } from '../stripe/errors.ts';
import { recomputeAfterSync, recordSyncFailure } from './after-run.ts';
import { type BackfillResult, backfill } from './backfill.ts';
import { latestRun } from './checkpoints.ts';
import type { SyncProgress } from './progress.ts';

/**
 * Syncs started by the server: at most one at a time per connector, running in the background,
 * with their progress and last result readable at any moment. One Stripe client (so one rate
 * budget) per connector for the life of the runner.
 */

export interface LastSync {
  runId: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  result: BackfillResult | null;
  error: { kind: string | null; message: string } | null;
}

export interface SyncStatus {
  running: boolean;
  progress: SyncProgress | null;
  last: LastSync | null;
  /** Accounts recomputed after this process's last finished sync of the connector (null: none yet). */
  recomputed_accounts: number | null;
}

export interface SyncRunner {
  /** Starts a sync in the background; false when one is already running for the connector. */
  start(connectorId: string): Promise<{ started: boolean }>;
  status(connectorId: string): Promise<SyncStatus>;
  /** Waits for the connector's running sync, if any (tests, shutdown). */
  wait(connectorId: string): Promise<void>;
  /**
   * Stops the connector's running sync, if any, and resolves once nothing more of it will be
   * written (disconnect). The run is left interrupted: the next sync resumes it.
   */
  stop(connectorId: string): Promise<void>;
  /** Stops every running sync the same way (server shutdown). */
  stopAll(): Promise<void>;
  /** Same as stopAll (kept for callers written before it). */
  close(): Promise<void>;
  /** The connector's shared client (its one rate budget), for other parts that call Stripe. */
  clientFor(connectorId: string): Promise<ConnectorStripe>;
}

export interface SyncRunnerOptions {
  db: Db;
  vault: Vault;
  registry?: Registry;
  /** Default rate budget when the connector sets none (config.rateLimitRps). */
  rateLimitRps?: number;
  workers?: number;
  timeoutMs?: number;
  maxRetries?: number;
  /** The server's shared per-connector clients (so sync and catch-up spend one budget). */
  clientFor?: (connectorId: string) => Promise<ConnectorStripe | null>;
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
  progress: SyncProgress | null;
}

export function createSyncRunner(options: SyncRunnerOptions): SyncRunner {
  const { db, vault } = options;
  const running = new Map<string, Running>();
  const clients = new Map<string, { key: string; client: ConnectorStripe }>();
  const recomputed = new Map<string, number>();

  async function clientFor(connectorId: string): Promise<ConnectorStripe> {
    if (options.clientFor) {
      const shared = await options.clientFor(connectorId);
      if (!shared) throw new Error(`Connector ${connectorId} has no Stripe key: connect it first.`);
      return shared;
    }
    const connector = await getConnector(db, connectorId);
    const apiKey = await getApiKey(db, vault, connectorId);
    if (!connector || !apiKey)
      throw new Error(`Connector ${connectorId} has no Stripe key: connect it first.`);
    const rps = connector.rateLimitRps ?? options.rateLimitRps;
    // A new key, API base or budget makes a new client; otherwise every caller shares one budget.
    const cacheKey = `${apiKey}|${connector.apiBase ?? ''}|${rps ?? ''}`;
    const cached = clients.get(connectorId);
    if (cached?.key === cacheKey) return cached.client;
    const client = createStripeClient({
      apiKey,
      apiBase: connector.apiBase ?? undefined,
      rateLimitRps: rps,
      registry: options.registry,
      connectorId,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
    });
    clients.set(connectorId, { key: cacheKey, client });
    return client;
  }

  /** One sync, then its accounts' figures; never rejects (the outcome is recorded on the run). */
  async function runSync(
    entry: Running,
    scope: { workspaceId: string; connectorId: string },
    client: ConnectorStripe,
  ): Promise<void> {
    const { signal } = entry.controller;
    if (signal.aborted) return;
    try {
      await backfill({
        db,
        client,
        scope,
        signal,
        workers: options.workers,
        onProgress: (p) => {
          entry.progress = p;
        },
      });
    } catch (error) {
      if (signal.aborted) return;
      await recordSyncFailure(db, scope.connectorId, error).catch(() => {});
      if (!(error instanceof StripeRequestError))
        process.emitWarning(`Sync of ${scope.connectorId} stopped: ${(error as Error).message}`);
      return;
    }
    if (signal.aborted) return;
    try {
      const r = await recomputeAfterSync(db, scope);
      recomputed.set(scope.connectorId, r.accounts);
    } catch (error) {
      // The synced data is stored either way; the figures catch up at the next recompute.
      process.emitWarning(
        `Accounts of ${scope.connectorId} were not recomputed after the sync: ${(error as Error).message}`,
      );
    }
  }

  async function stop(connectorId: string): Promise<void> {
    const r = running.get(connectorId);
    if (!r) return;
    r.controller.abort(new Error('Sync stopped'));
    await r.done;
  }

  async function stopAll(): Promise<void> {
    await Promise.all([...running.keys()].map(stop));
  }

  return {
    clientFor,
    stop,
    stopAll,
    close: stopAll,
    async start(connectorId) {
      if (running.has(connectorId)) return { started: false };
      const controller = new AbortController();
      // Reserved before the first await, so two concurrent starts cannot both run, and `done`
      // exists at once, so a stop() in this window still waits for whatever follows.
      const finished = Promise.withResolvers<void>();
      const entry: Running = { controller, progress: null, done: finished.promise };
      running.set(connectorId, entry);
      let scope: { workspaceId: string; connectorId: string };
      let client: ConnectorStripe;
      try {
        const connector = await getConnector(db, connectorId);
        if (!connector) throw new Error(`No connector ${connectorId}`);
        scope = { workspaceId: connector.workspaceId, connectorId };
        client = await clientFor(connectorId);
      } catch (error) {
        running.delete(connectorId);
        finished.resolve();
        throw error;
      }
      void runSync(entry, scope, client).finally(() => {
        running.delete(connectorId);
        finished.resolve();
      });
      return { started: true };
    },
    async status(connectorId) {
      const r = running.get(connectorId);
      const run = await latestRun(db, connectorId);
      const last: LastSync | null = run
        ? {
            runId: run.id,
            status: run.status,
            startedAt: run.startedAt.toISOString(),
            finishedAt: run.finishedAt ? run.finishedAt.toISOString() : null,
            result: (run.result as BackfillResult | null) ?? null,
            error: run.error ? { kind: run.errorKind, message: run.error } : null,
          }
        : null;
      return {
        running: r !== undefined,
        progress: r?.progress ?? null,
        last,
        recomputed_accounts: recomputed.get(connectorId) ?? null,
      };
    },
    async wait(connectorId) {
      await running.get(connectorId)?.done;
    },
  };
}
