import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { ApiRequestError, api, setCsrfToken, UNAUTHENTICATED_EVENT } from './api.ts';
import { Layout } from './components/layout.tsx';
import { ErrorState, Loading } from './components/states.tsx';
import { useLoad } from './hooks.ts';
import { AccountPage } from './pages/account.tsx';
import { AccountsPage } from './pages/accounts.tsx';
import { ConnectorPage } from './pages/connector.tsx';
import { HealthPage } from './pages/health.tsx';
import { LoginPage } from './pages/login.tsx';
import { SetupPage } from './pages/setup.tsx';
import { navigate, useLocation } from './router.tsx';
import { SessionContext } from './session.tsx';
import type { Me } from './types.ts';

// ECharts is most of the bundle: only the revenue page loads it.
const RevenuePage = lazy(() => import('./pages/revenue.tsx').then((m) => ({ default: m.RevenuePage })));

type Auth =
  | { state: 'loading' }
  | { state: 'signed_out' }
  | { state: 'error'; error: Error }
  | { state: 'in'; me: Me };

export function App() {
  const location = useLocation();
  const [auth, setAuth] = useState<Auth>({ state: 'loading' });

  const loadMe = useCallback(async () => {
    try {
      const me = await api.me();
      setCsrfToken(me.csrf_token);
      setAuth({ state: 'in', me });
    } catch (error) {
      setCsrfToken(null);
      if (error instanceof ApiRequestError && (error.status === 401 || error.status === 403))
        setAuth({ state: 'signed_out' });
      else setAuth({ state: 'error', error: error as Error });
    }
  }, []);

  useEffect(() => {
    void loadMe();
    const onExpired = () => setAuth({ state: 'signed_out' });
    window.addEventListener(UNAUTHENTICATED_EVENT, onExpired);
    return () => window.removeEventListener(UNAUTHENTICATED_EVENT, onExpired);
  }, [loadMe]);

  if (auth.state === 'loading') return <Loading what="Opening Atlas" />;
  if (auth.state === 'error')
    return (
      <main className="auth-page">
        <ErrorState error={auth.error} retry={() => void loadMe()} title="Atlas could not start" />
      </main>
    );
  if (auth.state === 'signed_out') {
    if (location.path === '/setup') return <SetupPage onDone={loadMe} />;
    return <LoginPage onDone={loadMe} />;
  }
  return <SignedIn me={auth.me} path={location.path} onSignedOut={() => setAuth({ state: 'signed_out' })} />;
}

function SignedIn({ me, path, onSignedOut }: { me: Me; path: string; onSignedOut: () => void }) {
  const connectors = useLoad(() => api.connectors().then((r) => r.data), 'connectors', { pollMs: 15_000 });

  useEffect(() => {
    // The set-up and sign-in pages lead into the app; "/" picks the page that makes sense now.
    if (path === '/' || path === '/setup' || path === '/login') {
      if (!connectors.data && !connectors.error) return;
      navigate(connectors.data && connectors.data.length > 0 ? '/accounts' : '/connector', { replace: true });
    }
  }, [path, connectors.data, connectors.error]);

  const session = {
    me,
    connectors: connectors.data,
    reloadConnectors: connectors.reload,
    signOut: async () => {
      try {
        await api.logout();
      } finally {
        setCsrfToken(null);
        onSignedOut();
        navigate('/login', { replace: true });
      }
    },
  };

  return (
    <SessionContext.Provider value={session}>
      <Layout path={path}>{page(path)}</Layout>
    </SessionContext.Provider>
  );
}

function page(path: string) {
  if (path === '/connector') return <ConnectorPage />;
  if (path === '/health') return <HealthPage />;
  if (path === '/accounts') return <AccountsPage />;
  if (path.startsWith('/accounts/'))
    return <AccountPage id={decodeURIComponent(path.slice('/accounts/'.length))} />;
  if (path === '/revenue')
    return (
      <Suspense fallback={<Loading what="Loading charts" />}>
        <RevenuePage />
      </Suspense>
    );
  if (path === '/' || path === '/setup' || path === '/login') return <Loading />;
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is no page at <code>{path}</code>. Use the navigation to find what you were looking for.
      </p>
    </section>
  );
}
