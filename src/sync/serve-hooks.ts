import type { StartServerOptions } from '../server/start-server.ts';
import { createSyncRunner, type SyncRunner } from './runner.ts';

/**
 * Wires the sync runner into `serve` (picked up by src/cli/commands/serve.ts): the API routes get
 * it as `deps.sync`, and webhook catch-up calls it to re-sync after a gap longer than Stripe keeps
 * events. The runner needs the open store, which exists only once the server starts, so the
 * deps hold a thin forwarder that is bound in `beforeListen`.
 */

let runner: SyncRunner | undefined;

const need = (): SyncRunner => {
  if (!runner) throw new Error('The sync runner is not started yet');
  return runner;
};

const forwarder: SyncRunner = {
  start: (id) => need().start(id),
  status: (id) => need().status(id),
  wait: (id) => need().wait(id),
  // Before the server started there is nothing to stop.
  stop: (id) => runner?.stop(id) ?? Promise.resolve(),
  stopAll: () => runner?.stopAll() ?? Promise.resolve(),
  close: () => runner?.close() ?? Promise.resolve(),
  clientFor: (id) => need().clientFor(id),
};

export const serveHooks: StartServerOptions = {
  beforeListen: async (ctx) => {
    runner = createSyncRunner({
      db: ctx.db,
      vault: ctx.vault,
      registry: ctx.registry,
      rateLimitRps: ctx.config.rateLimitRps,
      clientFor: ctx.clientFor,
    });
  },
  sync: {
    resync: async ({ connectorId }) => {
      await forwarder.start(connectorId);
    },
  },
  appDeps: { sync: forwarder },
};
