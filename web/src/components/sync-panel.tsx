import { useState } from 'react';
import { api } from '../api.ts';
import { count, duration, time, words } from '../format.ts';
import { useLoad } from '../hooks.ts';
import type { SyncView } from '../sync-view.ts';
import { Check } from './badges.tsx';
import { ErrorState, InlineError, Loading } from './states.tsx';

/** Sync now, with live progress (the API is polled every second while a sync runs). */
export function SyncPanel({ connectorId }: { connectorId: string }) {
  const [running, setRunning] = useState(false);
  const status = useLoad(
    async () => {
      const s = await api.syncStatus(connectorId);
      setRunning(s.running);
      return s;
    },
    `sync:${connectorId}`,
    { pollMs: running ? 1000 : 10_000 },
  );
  const [error, setError] = useState<Error | null>(null);

  const start = async () => {
    setError(null);
    try {
      await api.startSync(connectorId);
      setRunning(true);
      status.reload();
    } catch (err) {
      setError(err as Error);
    }
  };

  const s = status.data;
  return (
    <section className="card" aria-labelledby="sync-title">
      <div className="card-head">
        <h2 id="sync-title">Sync</h2>
        <button type="button" className="button secondary" onClick={start} disabled={s?.running}>
          {s?.running ? 'Syncing…' : 'Sync now'}
        </button>
      </div>
      <InlineError error={error} />
      {!s && status.error ? <ErrorState error={status.error} retry={status.reload} /> : null}
      {!s && !status.error ? <Loading what="Reading the sync status" /> : null}
      {s?.running ? <Progress view={s} /> : null}
      {s && !s.running ? <LastResult last={s.last} /> : null}
    </section>
  );
}

function Progress({ view }: { view: SyncView }) {
  const p = view.progress;
  if (!p)
    return (
      <p className="muted" aria-live="polite" data-testid="sync-progress">
        Starting…
      </p>
    );
  const families = p.families ? Object.entries(p.families) : [];
  return (
    <div className="sync-progress" aria-live="polite" data-testid="sync-progress">
      {p.estimatedTotal ? (
        <progress
          max={p.estimatedTotal}
          value={Math.min(p.objects, p.estimatedTotal)}
          aria-label="Sync progress"
        />
      ) : null}
      <p>
        {count(p.objects)}
        {p.estimatedTotal ? ` of about ${count(p.estimatedTotal)}` : ''} objects
        {p.familiesTotal ? ` · ${p.familiesDone ?? 0} of ${p.familiesTotal} families done` : ''} ·{' '}
        {count(p.requests)} requests · {p.requestsPerSecond.toFixed(1)} req/s
        {p.etaSeconds !== null ? ` · about ${duration(p.etaSeconds)} left` : ''}
      </p>
      {families.length > 0 ? (
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">Family</th>
              <th scope="col">Progress</th>
              <th scope="col" className="num">
                Stored / listed
              </th>
            </tr>
          </thead>
          <tbody>
            {families.map(([name, f]) => (
              <tr key={name}>
                <td>{words(name)}</td>
                <td>
                  {f.done ? (
                    <Check ok />
                  ) : (
                    <progress
                      max={Math.max(f.listed, 1)}
                      value={f.stored}
                      aria-label={`${words(name)} progress`}
                    />
                  )}
                </td>
                <td className="num">
                  {count(f.stored)} / {count(f.listed)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

function LastResult({ last }: { last: SyncView['last'] }) {
  if (!last) return <p className="muted">No sync has run yet for this connector.</p>;
  const outcome =
    last.complete === true
      ? 'complete'
      : last.status && last.status !== 'complete'
        ? words(last.status).toLowerCase()
        : last.complete === false
          ? 'incomplete'
          : 'finished';
  return (
    <div className="last-sync" data-testid="sync-last-result">
      <p>
        Last sync {last.finishedAt ? `finished ${time(last.finishedAt)}` : ''}: <strong>{outcome}</strong>
        {last.objects !== null ? ` · ${count(last.objects)} objects` : ''}
        {last.elapsedMs !== null ? ` in ${duration(last.elapsedMs / 1000)}` : ''}.
      </p>
      {last.error ? <p className="inline-error">{last.error}</p> : null}
      {last.families ? (
        <details>
          <summary>Per family</summary>
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">Family</th>
                <th scope="col" className="num">
                  Listed
                </th>
                <th scope="col" className="num">
                  Stored
                </th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(last.families).map(([f, v]) => (
                <tr key={f}>
                  <td>{words(f)}</td>
                  <td className="num">{count(v.listed)}</td>
                  <td className="num">{count(v.stored)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </div>
  );
}
