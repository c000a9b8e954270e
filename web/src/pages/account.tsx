import { api } from '../api.ts';
import { HealthBadge, PaymentBadge } from '../components/badges.tsx';
import { Evidence } from '../components/evidence.tsx';
import { Empty, ErrorState, InlineError, Loading } from '../components/states.tsx';
import { day, money, moneyOf, time, words } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { Link } from '../router.tsx';
import type { AccountDetail, TimelineEntry } from '../types.ts';

export function AccountPage({ id }: { id: string }) {
  const account = useLoad(() => api.account(id), `account:${id}`, { pollMs: 10_000 });
  const timeline = useLoad(() => api.timeline(id), `timeline:${id}`, { pollMs: 10_000 });
  const a = account.data;
  return (
    <section className="page">
      <p className="breadcrumb">
        <Link to="/accounts">← Accounts</Link>
      </p>
      {!a && account.error ? (
        <ErrorState error={account.error} retry={account.reload} title="Account not available" />
      ) : null}
      {!a && !account.error ? <Loading what="Loading the account" /> : null}
      {a ? (
        <>
          <header className="page-head account-head">
            <div>
              <h1>{a.name}</h1>
              <p className="muted">
                {[
                  a.domain,
                  a.owner ? `Owner: ${a.owner}` : null,
                  a.external_id ? `External id: ${a.external_id}` : null,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </p>
            </div>
            <div className="account-figures">
              <HealthBadge health={a.health} />
              <span className="big-figure" title="MRR in the reporting currency">
                {a.mrr ? moneyOf(a.mrr) : '—'}
                <span className="sub">MRR</span>
              </span>
              <PaymentBadge status={a.payment_status} days={a.days_past_due} />
            </div>
          </header>
          {account.error ? <InlineError error={account.error} /> : null}
          <div className="grid-2">
            <Reasons a={a} />
            <Timeline entries={timeline.data?.data} error={timeline.error} retry={timeline.reload} />
          </div>
          <Subscriptions a={a} />
          <div className="grid-2">
            <OpenInvoices a={a} />
            <Cards a={a} />
          </div>
          <Payments a={a} />
          <Customers a={a} />
        </>
      ) : null}
    </section>
  );
}

function Reasons({ a }: { a: AccountDetail }) {
  return (
    <section className="card" aria-labelledby="reasons-title">
      <h2 id="reasons-title">Why “{words(a.health)}”</h2>
      {a.reasons.length === 0 ? (
        <p className="muted">Nothing needs attention.</p>
      ) : (
        <ul className="issues" data-testid="health-reasons">
          {a.reasons.map((r) => (
            <li key={`${r.code}:${r.message}`}>
              <strong>{r.message}</strong> <code className="muted">{r.code}</code>
              <Evidence value={r.evidence} />
            </li>
          ))}
        </ul>
      )}
      {a.mrr_error ? <p className="warning">{a.mrr_error_message ?? a.mrr_error}</p> : null}
    </section>
  );
}

function Timeline(props: {
  entries: TimelineEntry[] | undefined;
  error: Error | undefined;
  retry: () => void;
}) {
  return (
    <section className="card" aria-labelledby="timeline-title" data-testid="timeline">
      <h2 id="timeline-title">Billing timeline</h2>
      {!props.entries && props.error ? <ErrorState error={props.error} retry={props.retry} /> : null}
      {!props.entries && !props.error ? <Loading what="Loading the timeline" /> : null}
      {props.entries && props.entries.length === 0 ? <p className="muted">No billing events yet.</p> : null}
      {props.entries && props.entries.length > 0 ? (
        <ol className="timeline">
          {props.entries.map((e, i) => (
            <li key={`${e.at}-${e.object_id ?? i}-${e.type}`} className={`tl-${e.type.replace(/\W+/g, '-')}`}>
              <time dateTime={e.at}>{time(e.at)}</time>
              <span>{e.text}</span>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}

function Subscriptions({ a }: { a: AccountDetail }) {
  return (
    <section className="card" aria-labelledby="subs-title">
      <h2 id="subs-title">Subscriptions</h2>
      {a.subscriptions.length === 0 ? (
        <p className="muted">No subscriptions.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Plan</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  MRR
                </th>
                <th scope="col">Current period ends</th>
              </tr>
            </thead>
            <tbody>
              {a.subscriptions.map((s) => (
                <tr key={s.id}>
                  <td>
                    {s.items.map((it) => (
                      <div key={`${s.id}-${it.price}`}>
                        {it.product_name ?? it.price}
                        {it.quantity !== 1 ? ` × ${it.quantity}` : ''}
                        {it.interval ? <span className="sub"> per {it.interval}</span> : null}
                      </div>
                    ))}
                    <code className="sub">{s.id}</code>
                  </td>
                  <td>
                    {words(s.status)}
                    {s.cancel_at_period_end ? <span className="sub">cancels at period end</span> : null}
                  </td>
                  <td className="num">{moneyOf(s.mrr)}</td>
                  <td>{day(s.current_period_end)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function OpenInvoices({ a }: { a: AccountDetail }) {
  return (
    <section className="card" aria-labelledby="invoices-title">
      <h2 id="invoices-title">Open invoices</h2>
      {a.open_invoices.length === 0 ? (
        <p className="muted">No open invoices.</p>
      ) : (
        <div className="table-wrap">
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">Invoice</th>
                <th scope="col" className="num">
                  Remaining
                </th>
                <th scope="col">Due</th>
                <th scope="col">Attempts</th>
                <th scope="col">Next retry</th>
              </tr>
            </thead>
            <tbody>
              {a.open_invoices.map((i) => (
                <tr key={i.id}>
                  <td>
                    <code>{i.id}</code>
                  </td>
                  <td className="num">{money(i.amount_remaining, i.currency)}</td>
                  <td>{day(i.due_date)}</td>
                  <td>{i.attempt_count}</td>
                  <td>{i.next_payment_attempt ? time(i.next_payment_attempt) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Payments({ a }: { a: AccountDetail }) {
  return (
    <section className="card" aria-labelledby="payments-title">
      <h2 id="payments-title">Recent payments</h2>
      {a.recent_payments.length === 0 ? (
        <p className="muted">No payments yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="payments">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">Status</th>
                <th scope="col">Failure reason</th>
              </tr>
            </thead>
            <tbody>
              {a.recent_payments.map((p) => (
                <tr key={p.id} className={p.status === 'failed' ? 'row-failed' : undefined}>
                  <td>{time(p.created)}</td>
                  <td className="num">{money(p.amount, p.currency)}</td>
                  <td>{words(p.status)}</td>
                  <td>
                    {p.failure_message ?? ''}
                    {p.failure_code ? <code className="sub">{p.failure_code}</code> : null}
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

function Cards({ a }: { a: AccountDetail }) {
  return (
    <section className="card" aria-labelledby="cards-title">
      <h2 id="cards-title">Cards</h2>
      {a.cards.length === 0 ? (
        <p className="muted">No cards on file.</p>
      ) : (
        <ul className="cards">
          {a.cards.map((c) => (
            <li key={c.id}>
              <span className="card-brand">{words(c.brand)}</span> •••• {c.last4}
              <span className="sub">
                expires {String(c.exp_month).padStart(2, '0')}/{c.exp_year}
                {c.is_default ? ' · default' : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Customers({ a }: { a: AccountDetail }) {
  if (a.customers.length === 0)
    return <Empty title="No Stripe customer linked">This account has no Stripe customer yet.</Empty>;
  return (
    <section className="card" aria-labelledby="customers-title">
      <h2 id="customers-title">Stripe customers</h2>
      <ul className="plain">
        {a.customers.map((c) => (
          <li key={c.id}>
            <code>{c.id}</code> {c.name ?? ''} {c.email ? <span className="muted">{c.email}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
