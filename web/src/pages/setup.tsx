import { type FormEvent, type ReactNode, useState } from 'react';
import { api } from '../api.ts';
import { ErrorState, InlineError, Loading } from '../components/states.tsx';
import { useLoad } from '../hooks.ts';
import { Link, navigate } from '../router.tsx';

/**
 * The one-time link printed by `atlas-stripe serve` (`/setup?token=…`) creates the first owner; an
 * owner's invite link lets a member set a password. Either way the link works once.
 */
export function SetupPage({ onDone }: { onDone: () => Promise<void> }) {
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const status = useLoad(() => api.setupStatus(token || undefined), `setup:${token}`);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await api.setup({
        token,
        name: String(f.get('name') ?? ''),
        email: String(f.get('email') ?? ''),
        password: String(f.get('password') ?? ''),
      });
      // The token is spent: take it out of the address bar and history.
      window.history.replaceState(null, '', '/');
      await onDone();
      navigate('/', { replace: true });
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  const s = status.data;
  const invite = s?.link?.purpose === 'invite';
  let body: ReactNode;
  if (!s && status.error) body = <ErrorState error={status.error} retry={status.reload} />;
  else if (!s) body = <Loading />;
  else if (!token)
    body = (
      <p>
        Open the one-time set-up link that <code>atlas-stripe serve</code> printed in its console. It looks
        like <code>/setup?token=…</code>. Already set up? <Link to="/login">Sign in</Link>.
      </p>
    );
  else if (!s.link?.valid)
    body = (
      <p className="inline-error" role="alert">
        This link is unknown, used or expired. Restart <code>atlas-stripe serve</code> to print a new set-up
        link, or ask an owner for a new invite. Already set up? <Link to="/login">Sign in</Link>.
      </p>
    );
  else
    body = (
      <form onSubmit={submit}>
        <p className="muted">
          {invite
            ? 'Choose a password to join the workspace.'
            : 'Create the workspace owner. You will connect Stripe next.'}
        </p>
        <label htmlFor="setup-name">Your name</label>
        <input id="setup-name" name="name" autoComplete="name" required={!invite} />
        <label htmlFor="setup-email">Email</label>
        <input
          id="setup-email"
          name="email"
          type="email"
          autoComplete="username"
          required
          defaultValue={s.link.email ?? ''}
          readOnly={invite && Boolean(s.link.email)}
        />
        <label htmlFor="setup-password">Password</label>
        <input
          id="setup-password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          aria-describedby="setup-password-help"
        />
        <p id="setup-password-help" className="help">
          At least 10 characters.
        </p>
        <InlineError error={error} />
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Saving…' : invite ? 'Join the workspace' : 'Create owner'}
        </button>
      </form>
    );

  return (
    <main className="auth-page">
      <div className="auth-card">
        <h1>{invite ? 'Join Atlas' : 'Set up Atlas'}</h1>
        {body}
      </div>
    </main>
  );
}
