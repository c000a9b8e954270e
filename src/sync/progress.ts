import type { ConnectorStripe } from '../stripe/client.ts';
import type { RangeRow } from './checkpoints.ts';
import type { SchedulerState } from './scheduler.ts';
import type { PageOutcome } from './tasks.ts';

/**
 * What the CLI bar, the API and the UI show while a sync runs: families done, objects stored,
 * requests/s and an ETA. The ETA extrapolates each running range's density (objects per second
 * of `created`) over the window it still has to read; it is an estimate, shown as such.
 */

export interface SyncProgress {
  familiesDone: number;
  familiesTotal: number;
  /** Objects committed in this run (resumed runs include what earlier attempts committed). */
  objects: number;
  requests: number;
  requestsPerSecond: number;
  rateBudgetRps: number;
  elapsedMs: number;
  /** Estimated ms left; null until there is something to estimate from. */
  etaMs: number | null;
  /** Estimated objects in all (committed + still to read). */
  estimatedTotal: number | null;
  finished: boolean;
  /** List endpoints with work left right now (benchmarks judge per-endpoint limits by them). */
  activeEndpoints: string[];
}

export function createProgress(input: { client: ConnectorStripe; ranges: RangeRow[]; startedAt: number }) {
  const { client, startedAt } = input;
  const requestsBefore = client.stats.requests;
  const earlier = input.ranges.reduce((n, r) => n + Number(r.listed), 0);
  let objects = earlier;
  let floor: number | undefined;
  return {
    page(outcome: PageOutcome) {
      objects += outcome.objects;
      if (outcome.oldest !== null) floor = Math.min(floor ?? outcome.oldest, outcome.oldest);
    },
    snapshot(state: SchedulerState, finished = false): SyncProgress {
      const elapsedMs = performance.now() - startedAt;
      const requests = client.stats.requests - requestsBefore;
      const families = new Map<string, boolean>();
      for (const r of state.ranges)
        families.set(r.spec.family, (families.get(r.spec.family) ?? true) && r.done);
      for (const c of state.children) families.set(c.family, c.done === true);
      let remaining = 0;
      let known = true;
      for (const r of state.ranges) {
        if (r.done) continue;
        if (r.cursorCreated === null || r.topCreated === null) {
          known = false;
          continue;
        }
        const density = r.listed / Math.max(1, r.topCreated - r.cursorCreated);
        remaining += density * Math.max(0, r.cursorCreated - Math.max(r.gte, floor ?? r.gte));
      }
      const fresh = objects - earlier;
      const rate = fresh / Math.max(0.001, elapsedMs / 1000);
      const etaMs = finished ? 0 : known && rate > 0 ? (remaining / rate) * 1000 : null;
      return {
        familiesDone: [...families.values()].filter(Boolean).length,
        familiesTotal: families.size,
        objects,
        requests,
        requestsPerSecond: Math.round((requests / Math.max(0.001, elapsedMs / 1000)) * 10) / 10,
        rateBudgetRps: client.budget.rps,
        elapsedMs: Math.round(elapsedMs),
        etaMs: etaMs === null ? null : Math.round(etaMs),
        estimatedTotal: known ? Math.round(objects + remaining) : null,
        finished,
        activeEndpoints: [
          ...new Set([
            ...state.ranges.filter((r) => !r.done).map((r) => r.spec.listPath!),
            ...state.children.filter((c) => !c.done).map(() => '/v1/customers/{id}/payment_methods'),
          ]),
        ],
      };
    },
  };
}
