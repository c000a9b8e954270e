import { useState } from 'react';
import { api } from '../api.ts';
import { ConnectorStatusBadge } from '../components/badges.tsx';
import { CheckList } from '../components/check-list.tsx';
import { ConnectorPicker, useChosenConnector } from '../components/connector-picker.tsx';
import { ConnectorSteps, EVENTS_TO_SELECT } from '../components/connector-steps.tsx';
import { CredentialsForm } from '../components/credentials-form.tsx';
import { DisconnectPanel, ErasedReport } from '../components/disconnect-panel.tsx';
import { InlineError, Loading } from '../components/states.tsx';
import { SyncPanel } from '../components/sync-panel.tsx';
import { ago, time, words } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import type { Connector, EraseResult, TestResult } from '../types.ts';

const CHECK_LABELS: Record<string, string> = {
  api_key: 'API key',
  permissions: 'Permissions',
  webhook_signature: 'Webhook signature',
  webhook_delivery: 'Webhook delivery',
  event_processing: 'Event processing',
};

export function ConnectorPage() {
  const { connectors, reloadConnectors } = useSession();
  const [erased, setErased] = useState<EraseResult | null>(null);
  const connector = useChosenConnector(connectors ?? []);

  if (!connectors) return <Loading what="Loading the connector" />;
  return (
    <section className="page">
      <header className="page-head">
        <h1>Stripe connector</h1>
        <p className="muted">
          Read Stripe customers, subscriptions, invoices and charges into Atlas accounts.
        </p>
      </header>
      {connector ? <ConnectorPicker connectors={connectors} chosen={connector} /> : null}
      {erased ? <ErasedReport result={erased} /> : null}
      {connector ? (
        <ConnectedView
          key={connector.id}
          initial={connector}
          onErased={(r) => {
            setErased(r);
            reloadConnectors();
          }}
        />
      ) : (
        <div className="grid-2">
          <section className="card" aria-labelledby="steps-title">
            <h2 id="steps-title">Get your credentials</h2>
            <ConnectorSteps
              webhookUrl={`${window.location.origin}/webhooks/stripe`}
              events={EVENTS_TO_SELECT}
            />
          </section>
          <section className="card" aria-labelledby="connect-title">
            <h2 id="connect-title">Connect</h2>
            <CredentialsForm onSaved={reloadConnectors} />
          </section>
        </div>
      )}
    </section>
  );
}

function ConnectedView({ initial, onErased }: { initial: Connector; onErased: (r: EraseResult) => void }) {
  const { reloadConnectors } = useSession();
  // Polled so "Awaiting test event" turns into "Connected" (or an error) without a reload.
  const live = useLoad(() => api.connector(initial.id), `connector:${initial.id}`, { pollMs: 3000 });
  const c = live.data ?? initial;
  const [test, setTest] = useState<TestResult | null>(null);
  const [testError, setTestError] = useState<Error | null>(null);
  const [testing, setTesting] = useState(false);

  const runTest = async () => {
    setTesting(true);
    setTestError(null);
    try {
      setTest(await api.testConnector(c.id));
      live.reload();
    } catch (err) {
      setTestError(err as Error);
    } finally {
      setTesting(false);
    }
  };

  return (
    <>
      <section className="card" aria-labelledby="status-title">
        <div className="card-head">
          <h2 id="status-title">Status</h2>
          <ConnectorStatusBadge status={c.status} />
        </div>
        {c.status === 'awaiting_test_event' ? (
          <p className="callout" role="status">
            Waiting for the first signed event. In Stripe, click <strong>Send test webhook</strong> for{' '}
            <code>customer.subscription.created</code>.
          </p>
        ) : null}
        {c.status_reason ? (
          <p className={c.status === 'error' ? 'inline-error' : 'muted'} data-testid="status-reason">
            {c.status_reason}
          </p>
        ) : null}
        {live.error ? <InlineError error={live.error} /> : null}
        <dl className="facts">
          <dt>Mode</dt>
          <dd>
            {c.sandbox ? <span className="badge tone-warn">Sandbox</span> : null}{' '}
            {c.livemode === null ? '—' : c.livemode ? 'Live mode' : 'Test mode'}
          </dd>
          <dt>Restricted key</dt>
          <dd>
            <code>{c.api_key_mask ?? '—'}</code>
          </dd>
          <dt>Signing secrets</dt>
          <dd>
            {c.webhook_secret_masks.length
              ? c.webhook_secret_masks.map((m) => <code key={m}>{m} </code>)
              : '—'}
          </dd>
          <dt>Connected</dt>
          <dd>{c.connected_at ? time(c.connected_at) : 'not yet'}</dd>
          <dt>Last event</dt>
          <dd title={time(c.last_event_at)}>{ago(c.last_event_at)}</dd>
        </dl>
        <div className="button-row">
          <button type="button" className="button secondary" onClick={runTest} disabled={testing}>
            {testing ? 'Testing…' : 'Test connection'}
          </button>
          <Link to="/health" className="button link">
            Open the health page
          </Link>
        </div>
        <InlineError error={testError} />
        {test ? (
          <>
            <p className={test.ok ? 'success' : 'inline-error'} role="status">
              {test.ok ? 'Connection works.' : 'The connection has a problem: see the failed checks.'}
            </p>
            <CheckList
              title="Connection test"
              rows={test.checks.map((k) => ({
                key: k.name,
                label: CHECK_LABELS[k.name] ?? words(k.name),
                ok: k.ok,
                message: k.message,
                troubleshooting: k.troubleshooting,
              }))}
            />
          </>
        ) : null}
      </section>
      <SyncPanel connectorId={c.id} />
      <div className="grid-2">
        <section className="card" aria-labelledby="setup-title">
          <details open={c.status !== 'connected'}>
            <summary>
              <h2 id="setup-title">Set-up steps</h2>
            </summary>
            <ConnectorSteps
              webhookUrl={c.webhook_url}
              events={c.events_to_select.length ? c.events_to_select : EVENTS_TO_SELECT}
            />
          </details>
        </section>
        <section className="card" aria-labelledby="roll-title">
          <h2 id="roll-title">Replace or roll credentials</h2>
          <p className="muted">
            Paste a new restricted key or signing secret, for example after rolling them in Stripe. Synced
            data is kept.
          </p>
          <CredentialsForm
            connector={c}
            onSaved={() => {
              live.reload();
              reloadConnectors();
            }}
          />
        </section>
      </div>
      <DisconnectPanel connector={c} onErased={onErased} />
    </>
  );
}
