import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import { HEALTH_VALUES, HealthBadge, healthLabel, PaymentBadge } from '../components/badges.tsx';
import { Empty, ErrorState, InlineError, Loading } from '../components/states.tsx';
import { money, moneyOf } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import type { AccountSummary } from '../types.ts';

const SORTS = [
  { value: '-mrr', label: 'MRR, highest first' },
  { value: 'mrr', label: 'MRR, lowest first' },
  { value: 'name', label: 'Name' },
  { value: 'health', label: 'Health, worst first' },
  { value: 'days_past_due', label: 'Days past due' },
];

const PAGE_SIZE = 50;

export function AccountsPage() {
  const { query } = useLocation();
  const { connectors, me } = useSession();
  const health = query.get('health') ?? '';
  const sort = query.get('sort') ?? '-mrr';
  const q = query.get('q') ?? '';
  const [search, setSearch] = useState(q);

  // Filters live in the address bar, so a filtered list can be shared and survives a reload.
  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(window.location.search);
    if (value) next.set(name, value);
    else next.delete(name);
    const s = next.toString();
    navigate(`/accounts${s ? `?${s}` : ''}`, { replace: true });
  };

  useEffect(() => {
    if (search === q) return;
    const timer = window.setTimeout(() => setParam('q', search.trim()), 300);
    return () => window.clearTimeout(timer);
  });

  const key = JSON.stringify({ health, sort, q });
  const first = useLoad(() => api.accounts({ health, sort, q, limit: PAGE_SIZE }), key, { pollMs: 10_000 });
  const [more, setMore] = useState<{ key: string; rows: AccountSummary[]; cursor: string | null } | null>(
    null,
  );
  const [moreError, setMoreError] = useState<Error | null>(null);
  const extra = more?.key === key ? more : null;
  const cursor = extra ? extra.cursor : (first.data?.next_cursor ?? null);
  const rows = [...(first.data?.data ?? []), ...(extra?.rows ?? [])];

  const loadMore = async () => {
    if (!cursor) return;
    setMoreError(null);
    try {
      const page = await api.accounts({ health, sort, q, limit: PAGE_SIZE, cursor });
      setMore({ key, rows: [...(extra?.rows ?? []), ...page.data], cursor: page.next_cursor });
    } catch (err) {
      setMoreError(err as Error);
    }
  };

  const filtered = Boolean(health || q);
  return (
    <section className="page">
      <header className="page-head">
        <h1>Accounts</h1>
        <p className="muted">
          Billing health, MRR in {me.workspace.reporting_currency.toUpperCase()} and payment status of every
          account.
        </p>
      </header>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="accounts-search">Search</label>
          <input
            id="accounts-search"
            type="search"
            placeholder="Name, domain or customer id"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="accounts-health">Health</label>
          <select id="accounts-health" value={health} onChange={(e) => setParam('health', e.target.value)}>
            <option value="">All</option>
            {HEALTH_VALUES.map((h) => (
              <option key={h} value={h}>
                {healthLabel(h)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="accounts-sort">Sort by</label>
          <select id="accounts-sort" value={sort} onChange={(e) => setParam('sort', e.target.value)}>
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
      </form>
      {first.error && first.data ? <InlineError error={first.error} /> : null}
      {!first.data && first.error ? <ErrorState error={first.error} retry={first.reload} /> : null}
      {!first.data && !first.error ? <Loading what="Loading accounts" /> : null}
      {first.data && rows.length === 0 ? (
        filtered ? (
          <Empty title="No accounts match these filters">
            Clear the search or pick another health value.
          </Empty>
        ) : connectors && connectors.length === 0 ? (
          <Empty title="No accounts yet">
            <Link to="/connector">Connect Stripe</Link>: accounts are created from Stripe customers.
          </Empty>
        ) : (
          <Empty title="No accounts yet">Accounts appear as the first sync stores Stripe customers.</Empty>
        )
      ) : null}
      {rows.length > 0 ? <AccountsTable rows={rows} /> : null}
      <InlineError error={moreError} />
      {cursor && rows.length > 0 ? (
        <button type="button" className="button secondary" onClick={loadMore}>
          Load more
        </button>
      ) : null}
    </section>
  );
}

function AccountsTable({ rows }: { rows: AccountSummary[] }) {
  return (
    <div className="table-wrap">
      <table className="table accounts-table" data-testid="accounts-table">
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Health</th>
            <th scope="col" className="num">
              MRR
            </th>
            <th scope="col">Payment</th>
            <th scope="col">Owner</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.id}>
              <td data-label="Account">
                <Link to={`/accounts/${encodeURIComponent(a.id)}`} className="account-link">
                  {a.name}
                </Link>
                {a.domain ? <span className="sub">{a.domain}</span> : null}
              </td>
              <td data-label="Health">
                <HealthBadge health={a.health} />
                {a.reasons[0] ? <span className="sub">{a.reasons[0].message}</span> : null}
              </td>
              <td data-label="MRR" className="num">
                <AccountMrr a={a} />
              </td>
              <td data-label="Payment">
                <PaymentBadge status={a.payment_status} days={a.days_past_due} />
              </td>
              <td data-label="Owner">{a.owner ?? <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** MRR in the reporting currency; without an FX rate, the native amounts and why. */
export function AccountMrr({ a }: { a: AccountSummary }) {
  if (a.mrr) return <>{moneyOf(a.mrr)}</>;
  const native = Object.entries(a.mrr_by_currency ?? {}).filter(([, n]) => n !== 0);
  if (native.length === 0) return <span title={a.mrr_error_message ?? a.mrr_error ?? undefined}>—</span>;
  return (
    <span title={a.mrr_error_message ?? a.mrr_error ?? 'No FX rate to the reporting currency'}>
      {native.map(([c, n]) => money(n, c)).join(' + ')}
      <span className="sub">no FX rate</span>
    </span>
  );
}
