import { useRef, useState } from 'react';
import { api } from '../api.ts';
import type { Connector, EraseResult } from '../types.ts';
import { InlineError } from './states.tsx';

/** Disconnect with a confirmation that says what will be erased. */
export function DisconnectPanel(props: { connector: Connector; onErased: (result: EraseResult) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);

  const erase = async () => {
    setBusy(true);
    setError(null);
    try {
      props.onErased(await api.disconnect(props.connector.id));
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card danger-zone" aria-labelledby="disconnect-title">
      <h2 id="disconnect-title">Disconnect</h2>
      {!confirming ? (
        <>
          <p>Stop syncing and erase the credentials and every row synced from this Stripe account.</p>
          <button
            type="button"
            className="button danger"
            onClick={() => {
              setConfirming(true);
              window.setTimeout(() => confirmRef.current?.focus(), 0);
            }}
          >
            Disconnect…
          </button>
        </>
      ) : (
        <div
          className="confirm"
          role="alertdialog"
          aria-labelledby="confirm-title"
          aria-describedby="confirm-body"
        >
          <p id="confirm-title">
            <strong>Disconnect {props.connector.name} and erase its data?</strong>
          </p>
          <div id="confirm-body">
            <p>This stops syncing and webhook processing, then permanently erases:</p>
            <ul className="confirm-list">
              <li>
                the restricted key <code>{props.connector.api_key_mask ?? ''}</code> and the webhook signing
                secrets;
              </li>
              <li>
                every Stripe object synced for this connector: customers, subscriptions, invoices, charges,
                payments, refunds, disputes, payouts, balance transactions and events;
              </li>
              <li>
                the webhook inbox, sync checkpoints, and the MRR, health and timeline figures derived from
                them.
              </li>
            </ul>
            <p>Accounts you created in Atlas stay, without their Stripe data. This cannot be undone.</p>
          </div>
          <InlineError error={error} />
          <div className="button-row">
            <button ref={confirmRef} type="button" className="button danger" onClick={erase} disabled={busy}>
              {busy ? 'Erasing…' : 'Disconnect and erase'}
            </button>
            <button
              type="button"
              className="button secondary"
              onClick={() => setConfirming(false)}
              disabled={busy}
            >
              Cancel
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

/** What was erased, table by table, with the follow-up steps in Stripe. */
export function ErasedReport({ result }: { result: EraseResult }) {
  const rows = Object.entries(result.erased).sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((s, [, n]) => s + n, 0);
  return (
    <section className="card" aria-labelledby="erased-title" data-testid="erased-report">
      <h2 id="erased-title">Disconnected</h2>
      <p role="status">
        Connector <code>{result.connector_id}</code> is disconnected and {total.toLocaleString()} rows were
        erased.
      </p>
      <table className="table compact">
        <thead>
          <tr>
            <th scope="col">Erased from</th>
            <th scope="col" className="num">
              Rows
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([table, n]) => (
            <tr key={table}>
              <td>
                <code>{table}</code>
              </td>
              <td className="num">{n.toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>To finish in Stripe:</p>
      <ol>
        <li>Roll the restricted key in Developers → API keys.</li>
        <li>Delete the Atlas webhook endpoint in Developers → Webhooks.</li>
      </ol>
    </section>
  );
}
