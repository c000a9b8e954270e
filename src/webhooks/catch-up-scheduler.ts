import { listConnectors } from '../connector/connectors.ts';
import { type CatchUpDeps, type CatchUpResult, catchUpConnector, recordCatchUpError } from './catch-up.ts';

/** Runs catch-up for every connector with a key: once at start, then every `intervalMs`. */
export interface CatchUpScheduler {
  start(intervalMs: number): void;
  /** One pass over every connector now; resolves with what each found. */
  runOnce(): Promise<CatchUpResult[]>;
  stop(): Promise<void>;
}

export function createCatchUpScheduler(
  deps: CatchUpDeps & { log?: { warn(obj: object, msg: string): void } },
): CatchUpScheduler {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<CatchUpResult[]> | undefined;

  async function pass(): Promise<CatchUpResult[]> {
    const out: CatchUpResult[] = [];
    for (const connector of await listConnectors(deps.db)) {
      if (connector.status === 'not_connected' || !connector.apiKeyMask) continue;
      try {
        out.push(await catchUpConnector(deps, connector));
      } catch (error) {
        deps.log?.warn({ err: error, connectorId: connector.id }, 'webhook catch-up failed; will try again');
        await recordCatchUpError(deps.db, connector.id, error).catch(() => {});
      }
    }
    return out;
  }

  const scheduler: CatchUpScheduler = {
    runOnce() {
      // Never two passes at once: a slow pass and the timer would list the same pages twice.
      running ??= pass().finally(() => {
        running = undefined;
      });
      return running;
    },
    start(intervalMs) {
      void scheduler.runOnce().catch(() => {});
      if (intervalMs > 0 && !timer) {
        timer = setInterval(() => void scheduler.runOnce().catch(() => {}), intervalMs);
        timer.unref();
      }
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => {});
    },
  };
  return scheduler;
}
