// GET /api/connectors/:id/sync, read tolerantly: the contract's snake_case shape
// (progress.families, eta_seconds, last_result) and the sync runner's camelCase one
// (familiesDone, etaMs, last.result) both map to the one view the sync panel draws.

type Obj = Record<string, unknown>;

export interface SyncView {
  running: boolean;
  progress: {
    families: Record<string, { listed: number; stored: number; done: boolean }> | null;
    familiesDone: number | null;
    familiesTotal: number | null;
    objects: number;
    estimatedTotal: number | null;
    requests: number;
    requestsPerSecond: number;
    etaSeconds: number | null;
  } | null;
  last: {
    status: string | null;
    complete: boolean | null;
    startedAt: string | null;
    finishedAt: string | null;
    objects: number | null;
    elapsedMs: number | null;
    families: Record<string, { listed: number; stored: number }> | null;
    error: string | null;
  } | null;
}

const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const num = (...vs: unknown[]): number | null => {
  for (const v of vs) if (typeof v === 'number' && Number.isFinite(v)) return v;
  return null;
};
const str = (...vs: unknown[]): string | null => {
  for (const v of vs) if (typeof v === 'string') return v;
  return null;
};

function families<T>(v: unknown, map: (f: Obj) => T): Record<string, T> | null {
  const o = obj(v);
  if (!o) return null;
  const out: Record<string, T> = {};
  for (const [k, f] of Object.entries(o)) if (obj(f)) out[k] = map(obj(f)!);
  return out;
}

export function toSyncView(raw: unknown): SyncView {
  const r = obj(raw) ?? {};
  const p = obj(r.progress);
  const eta = num(p?.eta_seconds) ?? (num(p?.etaMs) === null ? null : num(p?.etaMs)! / 1000);
  const progress = p
    ? {
        families: families(p.families, (f) => ({
          listed: num(f.listed) ?? 0,
          stored: num(f.stored) ?? 0,
          done: Boolean(f.done),
        })),
        familiesDone: num(p.familiesDone, p.families_done),
        familiesTotal: num(p.familiesTotal, p.families_total),
        objects: num(p.objects) ?? 0,
        estimatedTotal: num(p.estimatedTotal, p.estimated_total),
        requests: num(p.requests) ?? 0,
        requestsPerSecond: num(p.requests_per_second, p.requestsPerSecond) ?? 0,
        etaSeconds: eta,
      }
    : null;

  // last_result (contract) is the CLI --json object; `last` (runner) wraps it with the run's status.
  const wrapper = obj(r.last);
  const result = obj(r.last_result) ?? obj(wrapper?.result);
  const err = wrapper?.error ?? result?.error;
  const fams = families(result?.families, (f) => ({
    listed: num(f.listed) ?? 0,
    stored: num(f.stored) ?? 0,
  }));
  const last =
    wrapper || result
      ? {
          status: str(wrapper?.status, result?.status),
          complete: typeof result?.complete === 'boolean' ? result.complete : null,
          startedAt: str(wrapper?.startedAt, wrapper?.started_at, result?.started_at),
          finishedAt: str(wrapper?.finishedAt, wrapper?.finished_at, result?.finished_at),
          objects:
            num(result?.objects) ?? (fams ? Object.values(fams).reduce((n, f) => n + f.listed, 0) : null),
          elapsedMs: num(result?.elapsed_ms, result?.duration_ms, result?.elapsedMs),
          families: fams,
          error: typeof err === 'string' ? err : str(obj(err)?.message),
        }
      : null;
  return { running: Boolean(r.running), progress, last };
}
