import type { ReactNode } from 'react';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';

const NAV = [
  { to: '/accounts', label: 'Accounts' },
  { to: '/revenue', label: 'Revenue' },
  { to: '/connector', label: 'Connector' },
  { to: '/health', label: 'Health' },
];

export function Layout({ path, children }: { path: string; children: ReactNode }) {
  const { me, signOut, connectors } = useSession();
  const sandbox = connectors?.find((c) => c.sandbox);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/accounts" className="brand">
          <span className="brand-mark" aria-hidden="true">
            A
          </span>
          Atlas <span className="brand-sub">Stripe Billing</span>
        </Link>
        <nav aria-label="Main">
          <ul>
            {NAV.map((n) => {
              const active = path === n.to || path.startsWith(`${n.to}/`);
              return (
                <li key={n.to}>
                  <Link
                    to={n.to}
                    aria-current={active ? 'page' : undefined}
                    className={active ? 'active' : undefined}
                  >
                    {n.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="who">
          <span className="who-name" title={me.user.email}>
            {me.user.name || me.user.email}
          </span>
          <button type="button" className="button link" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      {sandbox ? (
        <div className="sandbox-banner" role="note" data-testid="sandbox-banner">
          <strong>Sandbox data.</strong> This workspace is connected to the built-in Stripe sandbox, not to a
          real Stripe account: every customer, payment and figure here is simulated.{' '}
          <Link to="/connector">Connect your own Stripe account</Link> to see real data.
        </div>
      ) : null}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
