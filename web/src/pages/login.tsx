import { type FormEvent, useState } from 'react';
import { api } from '../api.ts';
import { InlineError } from '../components/states.tsx';
import { useLoad } from '../hooks.ts';
import { navigate } from '../router.tsx';

export function LoginPage({ onDone }: { onDone: () => Promise<void> }) {
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const setup = useLoad(() => api.setupStatus(), 'setup');

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await api.login({ email: String(f.get('email') ?? ''), password: String(f.get('password') ?? '') });
      const path = window.location.pathname;
      await onDone();
      if (path === '/login') navigate('/', { replace: true });
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="auth-page">
      <div className="auth-card">
        <h1>Sign in to Atlas</h1>
        {setup.data?.needed ? (
          <p className="callout" role="status">
            Atlas has no owner yet. Open the one-time set-up link that <code>atlas-stripe serve</code> printed
            in its console (<code>/setup?token=…</code>) to create one.
          </p>
        ) : null}
        <form onSubmit={submit}>
          <label htmlFor="login-email">Email</label>
          <input id="login-email" name="email" type="email" autoComplete="username" required />
          <label htmlFor="login-password">Password</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
          />
          <InlineError error={error} />
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p className="help">
          First time here? Open the one-time set-up link printed by <code>atlas-stripe serve</code>.
        </p>
      </div>
    </main>
  );
}
