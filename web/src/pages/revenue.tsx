import type { EChartsCoreOption } from 'echarts/core';
import { useMemo, useState } from 'react';
import { api } from '../api.ts';
import { Chart } from '../components/chart.tsx';
import { Kpi } from '../components/kpi.tsx';
import { Empty, ErrorState, InlineError, Loading } from '../components/states.tsx';
import { compactMoney, locale, money, percent } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { useSession } from '../session.tsx';
import type { Movements, MrrReport } from '../types.ts';

const RANGES = [
  { value: '3', label: 'Last 3 months' },
  { value: '6', label: 'Last 6 months' },
  { value: '12', label: 'Last 12 months' },
  { value: '24', label: 'Last 24 months' },
];

const MOVEMENTS: { key: keyof Movements; label: string; color: string }[] = [
  { key: 'new', label: 'New', color: '#2f9e6e' },
  { key: 'reactivation', label: 'Reactivation', color: '#6cc3a0' },
  { key: 'expansion', label: 'Expansion', color: '#3b7dd8' },
  { key: 'contraction', label: 'Contraction', color: '#f0a43a' },
  { key: 'churn', label: 'Churn', color: '#d64545' },
  { key: 'fx_adjustment', label: 'FX adjustment', color: '#9a8fb8' },
];

function fromDate(months: number): string {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - (months - 1));
  return d.toISOString().slice(0, 10);
}

/** "2026-03" or "2026-03-01" → "Mar 2026" in the viewer's locale. */
function periodLabel(period: string): string {
  const m = /^(\d{4})-(\d{2})/.exec(period);
  if (!m) return period;
  return new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)),
  );
}

export function RevenuePage() {
  const { me } = useSession();
  const [range, setRange] = useState('12');
  const [currency, setCurrency] = useState(me.workspace.reporting_currency);
  const report = useLoad(
    () => api.mrrReport({ from: fromDate(Number(range)), currency, interval: 'month' }),
    `mrr:${range}:${currency}`,
    { pollMs: 30_000 },
  );
  const r = report.data;
  const currencies = useMemo(() => {
    const set = new Set([me.workspace.reporting_currency, ...(r?.by_currency.map((b) => b.currency) ?? [])]);
    return [...set];
  }, [r, me.workspace.reporting_currency]);

  return (
    <section className="page">
      <header className="page-head">
        <h1>Revenue</h1>
        <p className="muted">MRR, its movements and churn, month by month.</p>
      </header>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="revenue-range">Period</label>
          <select id="revenue-range" value={range} onChange={(e) => setRange(e.target.value)}>
            {RANGES.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="revenue-currency">Currency</label>
          <select id="revenue-currency" value={currency} onChange={(e) => setCurrency(e.target.value)}>
            {currencies.map((c) => (
              <option key={c} value={c}>
                {c.toUpperCase()}
                {c === me.workspace.reporting_currency ? ' (reporting)' : ''}
              </option>
            ))}
          </select>
        </div>
      </form>
      {r && report.error ? <InlineError error={report.error} /> : null}
      {!r && report.error ? <ErrorState error={report.error} retry={report.reload} /> : null}
      {!r && !report.error ? <Loading what="Loading revenue" /> : null}
      {r && r.points.length === 0 ? (
        <Empty title="No revenue in this period">
          Revenue appears once subscriptions are synced from Stripe.
        </Empty>
      ) : null}
      {r && r.points.length > 0 ? <RevenueBody r={r} /> : null}
    </section>
  );
}

function RevenueBody({ r }: { r: MrrReport }) {
  const last = r.points[r.points.length - 1]!;
  const cur = r.currency;
  const labels = r.points.map((p) => periodLabel(p.period));
  // Values stay in minor units; only the labels convert, with the currency's own exponent.
  const axisLabel = { formatter: (v: number) => compactMoney(v, cur) };
  const tooltipValue = (v: unknown) => (typeof v === 'number' ? money(Math.round(v), cur) : String(v));

  const mrrOption: EChartsCoreOption = {
    grid: { left: 64, right: 16, top: 24, bottom: 32 },
    tooltip: { trigger: 'axis', valueFormatter: tooltipValue },
    xAxis: { type: 'category', data: labels },
    yAxis: { type: 'value', axisLabel },
    series: [
      {
        name: 'MRR',
        type: 'line',
        smooth: false,
        areaStyle: { opacity: 0.08 },
        data: r.points.map((p) => p.mrr),
        color: '#3b5bdb',
      },
    ],
  };
  const movementOption: EChartsCoreOption = {
    grid: { left: 64, right: 16, top: 40, bottom: 32 },
    legend: { top: 0, type: 'scroll' },
    tooltip: { trigger: 'axis', valueFormatter: tooltipValue },
    xAxis: { type: 'category', data: labels },
    yAxis: { type: 'value', axisLabel },
    series: MOVEMENTS.map((m) => ({
      name: m.label,
      type: 'bar',
      stack: 'movements',
      color: m.color,
      data: r.points.map((p) => p.movements?.[m.key] ?? 0),
    })),
  };
  return (
    <>
      <div className="kpis">
        <Kpi
          label="MRR"
          value={money(last.mrr, cur)}
          hint={last.mrr === null ? (last.mrr_error_message ?? 'missing FX rate') : periodLabel(last.period)}
        />
        <Kpi label="ARR" value={money(last.arr, cur)} />
        <Kpi label="ARPA" value={last.arpa === null ? '—' : money(Math.round(last.arpa), cur)} />
        <Kpi label="Subscriber churn" value={percent(last.subscriber_churn_rate)} />
        <Kpi label="Net MRR churn" value={percent(last.net_mrr_churn)} />
        <Kpi label="Quick ratio" value={last.quick_ratio === null ? '—' : last.quick_ratio.toFixed(2)} />
      </div>
      <section className="card" aria-labelledby="mrr-chart-title">
        <h2 id="mrr-chart-title">MRR over time</h2>
        <Chart option={mrrOption} label={`MRR by month in ${cur.toUpperCase()}`} />
      </section>
      <section className="card" aria-labelledby="movements-title">
        <h2 id="movements-title">MRR movements by month</h2>
        <Chart option={movementOption} label="MRR movements by month, stacked" />
      </section>
      <div className="grid-2">
        <section className="card" aria-labelledby="churn-title">
          <h2 id="churn-title">Churn rates</h2>
          <div className="table-wrap">
            <table className="table compact" data-testid="churn-table">
              <thead>
                <tr>
                  <th scope="col">Month</th>
                  <th scope="col" className="num">
                    Subscriber churn
                  </th>
                  <th scope="col" className="num">
                    Gross MRR churn
                  </th>
                  <th scope="col" className="num">
                    Net MRR churn
                  </th>
                </tr>
              </thead>
              <tbody>
                {[...r.points].reverse().map((p) => (
                  <tr key={p.period}>
                    <td>{periodLabel(p.period)}</td>
                    <td className="num">{percent(p.subscriber_churn_rate)}</td>
                    <td className="num">{percent(p.gross_mrr_churn)}</td>
                    <td className="num">{percent(p.net_mrr_churn)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <section className="card" aria-labelledby="currency-title">
          <h2 id="currency-title">MRR by currency</h2>
          {r.by_currency.length === 0 ? (
            <p className="muted">No recurring revenue.</p>
          ) : (
            <table className="table compact" data-testid="currency-table">
              <thead>
                <tr>
                  <th scope="col">Currency</th>
                  <th scope="col" className="num">
                    MRR
                  </th>
                </tr>
              </thead>
              <tbody>
                {r.by_currency.map((b) => (
                  <tr key={b.currency}>
                    <td>{b.currency.toUpperCase()}</td>
                    <td className="num">{money(b.mrr, b.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </>
  );
}
