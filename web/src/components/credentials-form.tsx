import { type FormEvent, useState } from 'react';
import { ApiRequestError, api } from '../api.ts';
import type { Connector, ConnectResult, PermissionCheck } from '../types.ts';
import { CheckList } from './check-list.tsx';
import { InlineError } from './states.tsx';

/** Checks come back on success, and in `details` of a 400 missing_permission. */
function checksOf(value: unknown): PermissionCheck[] {
  if (Array.isArray(value)) return value as PermissionCheck[];
  const v = value as { checks?: unknown } | null;
  return Array.isArray(v?.checks) ? (v.checks as PermissionCheck[]) : [];
}

/**
 * Paste the restricted key and signing secret. `connector` absent: Connect (creates it); present:
 * replace the credentials (rolling either one keeps every synced row).
 */
export function CredentialsForm(props: { connector?: Connector; onSaved: (connector?: Connector) => void }) {
  const { connector } = props;
  const [error, setError] = useState<Error | null>(null);
  const [result, setResult] = useState<{
    checks: PermissionCheck[];
    warnings: string[];
    saved: boolean;
  } | null>(null);
  const [busy, setBusy] = useState(false);
  const prefix = connector ? 'roll' : 'connect';

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const apiKey = String(f.get('api_key') ?? '').trim();
    const secret = String(f.get('webhook_secret') ?? '').trim();
    const apiBase = String(f.get('api_base') ?? '').trim();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      let answer: Partial<ConnectResult>;
      if (connector) {
        if (!apiKey && !secret) throw new Error('Paste a new restricted key, a new signing secret, or both.');
        answer = await api.roll(connector.id, {
          ...(apiKey ? { api_key: apiKey } : {}),
          ...(secret ? { webhook_secret: secret } : {}),
        });
      } else {
        answer = await api.connect({
          api_key: apiKey,
          webhook_secret: secret,
          ...(apiBase ? { api_base: apiBase } : {}),
        });
      }
      setResult({ checks: checksOf(answer.checks), warnings: answer.warnings ?? [], saved: true });
      form.reset();
      props.onSaved(answer.connector);
    } catch (err) {
      setError(err as Error);
      if (err instanceof ApiRequestError)
        setResult({ checks: checksOf(err.details), warnings: [], saved: false });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="credentials"
      onSubmit={submit}
      aria-label={connector ? 'Replace credentials' : 'Connect Stripe'}
    >
      <label htmlFor={`${prefix}-api-key`}>Restricted API key</label>
      <input
        id={`${prefix}-api-key`}
        name="api_key"
        type="password"
        autoComplete="off"
        spellCheck={false}
        placeholder={
          connector ? `Leave empty to keep ${connector.api_key_mask ?? 'the current key'}` : 'rk_test_…'
        }
        required={!connector}
      />
      <label htmlFor={`${prefix}-webhook-secret`}>Webhook signing secret</label>
      <input
        id={`${prefix}-webhook-secret`}
        name="webhook_secret"
        type="password"
        autoComplete="off"
        spellCheck={false}
        placeholder={connector ? 'Leave empty to keep the current secret' : 'whsec_…'}
        required={!connector}
        aria-describedby={connector ? `${prefix}-secret-help` : undefined}
      />
      {connector ? (
        <p id={`${prefix}-secret-help`} className="help">
          After a roll the previous signing secret stays valid for a while, so deliveries already signed with
          it are not lost.
        </p>
      ) : (
        <details className="advanced">
          <summary>Advanced</summary>
          <label htmlFor="connect-api-base">Stripe API base URL</label>
          <input
            id="connect-api-base"
            name="api_base"
            type="url"
            placeholder="https://api.stripe.com"
            aria-describedby="connect-api-base-help"
          />
          <p id="connect-api-base-help" className="help">
            Only for a Stripe-compatible sandbox. Leave empty for Stripe itself.
          </p>
        </details>
      )}
      <InlineError error={error} />
      {result ? (
        <CheckList
          title="Permission checks"
          rows={result.checks.map((c) => ({
            key: c.permission,
            label: c.label || c.permission,
            ok: c.ok,
            message: c.message,
          }))}
        />
      ) : null}
      {result?.warnings.map((w) => (
        <p key={w} className="warning" role="status">
          {w}
        </p>
      ))}
      {result?.saved ? (
        <p className="success" role="status">
          {connector ? 'Credentials replaced.' : 'Saved. Now send a test event from Stripe.'}
        </p>
      ) : null}
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? 'Checking…' : connector ? 'Replace credentials' : 'Connect'}
      </button>
    </form>
  );
}
