import type { Registry } from 'prom-client';
import { getApiKey, getConnector } from '../connector/connectors.ts';
import type { Vault } from '../connector/vault.ts';
import type { Db } from '../db/client.ts';
import { type ConnectorStripe, createStripeClient } from '../stripe/client.ts';
import { StripeRequestError } from '../stripe/errors.ts';
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
}

export interface SyncRunner {
  /** Starts a sync in the background; false when one is already running for the connector. */
  start(connectorId: string): Promise<{ started: boolean }>;
  status(connectorId: string): Promise<SyncStatus>;
  /** Waits for the connector's running sync, if any (tests, shutdown). */
  wait(connectorId: string): Promise<void>;
  /** Stops every running sync cleanly (checkpoints kept) and waits for them. */
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

  return {
    clientFor,
    async start(connectorId) {
      if (running.has(connectorId)) return { started: false };
      const connector = await getConnector(db, connectorId);
      if (!connector) throw new Error(`No connector ${connectorId}`);
      const client = await clientFor(connectorId);
      const controller = new AbortController();
      const entry: Running = { controller, progress: null, done: Promise.resolve() };
      running.set(connectorId, entry);
      entry.done = backfill({
        db,
        client,
        scope: { workspaceId: connector.workspaceId, connectorId },
        signal: controller.signal,
        workers: options.workers,
        onProgress: (p) => {
          entry.progress = p;
        },
      })
        .then(
          () => {},
          // The outcome (failed, interrupted) is recorded on the run; status() reads it from there.
          (error: unknown) => {
            if (!(error instanceof StripeRequestError) && !controller.signal.aborted)
              process.emitWarning(`Sync of ${connectorId} stopped: ${(error as Error).message}`);
          },
        )
        .finally(() => running.delete(connectorId));
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
      return { running: r !== undefined, progress: r?.progress ?? null, last };
    },
    async wait(connectorId) {
      await running.get(connectorId)?.done;
    },
    async close() {
      for (const r of running.values()) r.controller.abort(new Error('Server shutting down'));
      await Promise.all([...running.values()].map((r) => r.done));
    },
  };
}
