import { useState } from 'react';
import { api } from '../api.ts';
import { Check, ConnectorStatusBadge } from '../components/badges.tsx';
import { ConnectorPicker, useChosenConnector } from '../components/connector-picker.tsx';
import { Kpi } from '../components/kpi.tsx';
import { Empty, ErrorState, InlineError, Loading } from '../components/states.tsx';
import { ago, count, duration, time, words } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import type { Connector, ConnectorHealth } from '../types.ts';

/** What users need to do about each kind of rejected delivery (seed troubleshooting list). */
const REJECTION_HELP: Record<string, string> = {
  signature_mismatch:
    'No such webhook signing secret: you copied the wrong secret. Open the webhook endpoint in Stripe, click Reveal under Signing secret, and paste it on the connector page (Replace or roll credentials).',
  no_signature_header:
    'The request had no Stripe-Signature header. Only Stripe should call this URL; check for a proxy that strips headers.',
  timestamp_outside_tolerance:
    'The signature timestamp is more than 5 minutes off. Check this server’s clock (NTP) and that no proxy holds deliveries back.',
  malformed_payload: 'The body was not a Stripe event. Check that the endpoint URL in Stripe points here.',
  livemode_mismatch:
    'A live-mode event reached a test-mode connector (or the reverse). Point each Stripe mode at its own connector.',
  connector_not_found:
    'The delivery named a connector that does not exist here. Check the endpoint URL in Stripe.',
  payload_too_large:
    'The delivery was larger than Atlas accepts. Check that the endpoint URL in Stripe points here.',
};

export function HealthPage() {
  const { connectors } = useSession();
  const connector = useChosenConnector(connectors ?? []);
  if (!connectors) return <Loading what="Loading connector health" />;
  if (!connector)
    return (
      <section className="page">
        <h1>Connector health</h1>
        <Empty title="No Stripe connector yet">
          <Link to="/connector">Connect Stripe</Link> first; its health appears here.
        </Empty>
      </section>
    );
  return <HealthView key={connector.id} connector={connector} all={connectors} />;
}

function HealthView({ connector, all }: { connector: Connector; all: Connector[] }) {
  const health = useLoad(() => api.connectorHealth(connector.id), `health:${connector.id}`, { pollMs: 5000 });
  return (
    <section className="page">
      <header className="page-head">
        <h1>Connector health</h1>
        <p>
          <ConnectorStatusBadge status={connector.status} /> {connector.status_reason ?? ''}
        </p>
      </header>
      <ConnectorPicker connectors={all} chosen={connector} />
      {health.error && health.data ? <InlineError error={health.error} /> : null}
      {!health.data && health.error ? <ErrorState error={health.error} retry={health.reload} /> : null}
      {!health.data && !health.error ? <Loading what="Loading connector health" /> : null}
      {health.data ? <HealthBody id={connector.id} h={health.data} reload={health.reload} /> : null}
    </section>
  );
}

function HealthBody({ id, h, reload }: { id: string; h: ConnectorHealth; reload: () => void }) {
  const rejected = Object.entries(h.deliveries.rejected).filter(([, n]) => n > 0);
  const totalRejected = rejected.reduce((s, [, n]) => s + n, 0);
  return (
    <>
      <div className="kpis">
        <Kpi label="Last event" value={ago(h.last_event_at)} title={time(h.last_event_at)} />
        <Kpi label="Accepted deliveries" value={count(h.deliveries.accepted)} />
        <Kpi
          label="Rejected deliveries"
          value={count(totalRejected)}
          tone={totalRejected ? 'bad' : undefined}
        />
        <Kpi label="Processing lag" value={duration(h.processing_lag_seconds)} />
      </div>
      <div className="grid-2">
        <section className="card" aria-labelledby="deliveries-title">
          <h2 id="deliveries-title">Webhook deliveries</h2>
          <p>
            {count(h.deliveries.accepted)} accepted, {count(h.deliveries.duplicates)} duplicates ignored.
          </p>
          {rejected.length === 0 ? (
            <p className="muted">No rejected deliveries.</p>
          ) : (
            <ul className="issues" data-testid="rejected-deliveries">
              {rejected.map(([reason, n]) => (
                <li key={reason}>
                  <strong>
                    {words(reason)}: {count(n)}
                  </strong>
                  <p className="troubleshooting">
                    {REJECTION_HELP[reason] ?? 'See the server log for details.'}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card" aria-labelledby="sync-health-title">
          <h2 id="sync-health-title">Last sync</h2>
          {!h.last_sync ? (
            <p className="muted">
              No sync has run yet. Start one from the <Link to="/connector">connector page</Link>.
            </p>
          ) : (
            <>
              <p>
                {h.last_sync.finished_at ? `Finished ${time(h.last_sync.finished_at)}` : 'Running'}
                {' · '}
                {h.last_sync.complete === null
                  ? 'completeness unknown'
                  : h.last_sync.complete
                    ? 'complete'
                    : 'incomplete'}
              </p>
              {h.last_sync.error ? <p className="inline-error">{h.last_sync.error}</p> : null}
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
                    <th scope="col">Complete</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(h.last_sync.families).map(([f, v]) => (
                    <tr key={f}>
                      <td>{words(f)}</td>
                      <td className="num">{count(v.listed)}</td>
                      <td className="num">{count(v.stored)}</td>
                      <td>
                        <Check ok={v.stored >= v.listed} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </section>
      </div>
      <ParkedEvents id={id} parked={h.parked} reload={reload} />
      <section className="card" aria-labelledby="api-errors-title">
        <h2 id="api-errors-title">Stripe API errors</h2>
        {h.api_errors.length === 0 ? (
          <p className="muted">No API errors recorded.</p>
        ) : (
          <ul className="issues">
            {h.api_errors.map((e) => (
              <li key={e.kind}>
                <strong>
                  {words(e.kind)} · {count(e.count)} time{e.count === 1 ? '' : 's'}, last {ago(e.last_at)}
                </strong>
                <p>{e.message}</p>
                <p className="troubleshooting">{e.troubleshooting}</p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function ParkedEvents(props: { id: string; parked: ConnectorHealth['parked']; reload: () => void }) {
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const retry = async (eventId: string) => {
    setBusy(eventId);
    setError(null);
    try {
      await api.retryEvent(props.id, eventId);
      props.reload();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(null);
    }
  };
  return (
    <section className="card" aria-labelledby="parked-title">
      <h2 id="parked-title">Parked events</h2>
      <p className="muted">
        Events that failed processing several times wait here; retry them once the cause is fixed.
      </p>
      <InlineError error={error} />
      {props.parked.length === 0 ? (
        <p className="muted">No parked events.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Type</th>
                <th scope="col" className="num">
                  Attempts
                </th>
                <th scope="col">Last error</th>
                <th scope="col">
                  <span className="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.parked.map((p) => (
                <tr key={p.event_id}>
                  <td>
                    <code>{p.event_id}</code>
                  </td>
                  <td>{p.type}</td>
                  <td className="num">{p.attempts}</td>
                  <td>{p.last_error ?? '—'}</td>
                  <td>
                    <button
                      type="button"
                      className="button secondary small"
                      onClick={() => retry(p.event_id)}
                      disabled={busy === p.event_id}
                    >
                      {busy === p.event_id ? 'Retrying…' : 'Retry'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
