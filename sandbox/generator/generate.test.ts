import { describe, expect, it } from 'vitest';
import { createState, type SandboxState } from '../engine/state.ts';
import { FAMILY_NAMES, familyOf } from '../store/store.ts';
import { generateAccount } from './generate.ts';

const NOW = Date.UTC(2026, 5, 1, 12) / 1000;

function generate(seed: number, customers: number): SandboxState {
  const s = createState({ seed, now: NOW, failedPaymentAction: 'unpaid' });
  generateAccount(s, { customers, seed });
  return s;
}

function dump(s: SandboxState): string {
  return FAMILY_NAMES.map((f) => {
    const fam = familyOf(s.store, f);
    return `${f}:[${fam
      .entries()
      .map((e) => fam.json(e))
      .join(',')}]`;
  }).join('\n');
}

describe('generateAccount', () => {
  const a = generate(42, 400);

  it('is byte-identical for the same seed and size, and differs for another seed', () => {
    expect(dump(generate(42, 400))).toBe(dump(a));
    expect(dump(generate(43, 400))).not.toBe(dump(a));
  });

  it('builds a realistic year: currencies, intervals, tiers, trials, failures, churn and money movements', () => {
    const st = a.store;
    expect(a.now).toBe(NOW);
    const currencies = new Set(st.invoices.all().map((i) => i.currency));
    expect(currencies).toEqual(new Set(['usd', 'eur', 'gbp', 'jpy']));
    const intervals = new Set(
      st.prices.all().map((p) => `${p.recurring?.interval}/${p.recurring?.interval_count}`),
    );
    for (const i of ['month/1', 'year/1', 'week/1', 'month/3', 'month/2']) expect(intervals).toContain(i);
    const modes = new Set(st.prices.all().map((p) => p.tiers_mode));
    expect(modes).toContain('volume');
    expect(modes).toContain('graduated');
    expect(new Set(st.coupons.all().map((c) => c.duration))).toEqual(
      new Set(['forever', 'once', 'repeating']),
    );
    const statuses = new Set(st.subscriptions.all().map((x) => x.status));
    for (const status of ['active', 'trialing', 'past_due', 'unpaid', 'canceled'])
      expect(statuses).toContain(status);
    expect(st.subscriptions.all().some((x) => x.cancel_at_period_end && x.status === 'active')).toBe(true);
    const trialSoon = st.subscriptions
      .all()
      .some((x) => x.status === 'trialing' && x.trial_end! - NOW < 3 * 86400);
    expect(trialSoon).toBe(true);
    const nowDate = new Date(NOW * 1000);
    const cards = st.payment_methods.all().map((p) => p.card!);
    expect(
      cards.some((c) => c.exp_year === nowDate.getUTCFullYear() && c.exp_month === nowDate.getUTCMonth() + 1),
    ).toBe(true);
    expect(cards.some((c) => Date.UTC(c.exp_year, c.exp_month, 1) / 1000 <= NOW)).toBe(true);
    const emails = st.customers.all().map((c) => c.email ?? '');
    expect(emails.some((e) => e.endsWith('@gmail.com'))).toBe(true);
    expect(emails.some((e) => !/gmail|outlook|yahoo/.test(e))).toBe(true);
    expect(st.customers.all().some((c) => c.metadata['atlas_account_id'])).toBe(true);
    expect(st.charges.all().some((c) => c.status === 'failed' && c.failure_code)).toBe(true);
    expect(st.refunds.size).toBeGreaterThan(0);
    expect(st.credit_notes.size).toBeGreaterThan(0);
    expect(st.payouts.size).toBeGreaterThan(300);
    const disputes = new Set(st.disputes.all().map((d) => d.status));
    expect([...disputes].some((d) => d === 'won' || d === 'lost')).toBe(true);
    // Events only for the last 30 days, in non-decreasing time order with unique ids.
    const events = st.events.entries().map((e) => e.obj);
    expect(events.every((e) => e.created >= NOW - 30 * 86400)).toBe(true);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    for (let i = 1; i < events.length; i++)
      expect(events[i]!.created).toBeGreaterThanOrEqual(events[i - 1]!.created);
  });
});
