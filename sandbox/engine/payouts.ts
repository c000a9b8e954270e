// Balance transactions and the daily automatic payout of what became available.
import { newBalanceTransaction, newPayout } from '../objects/money.ts';
import type { BalanceTransaction } from '../objects/wire.ts';
import { changed, type SandboxState } from './state.ts';

const DAY = 86400;

export function addBalanceTransaction(
  s: SandboxState,
  p: {
    amount: number;
    fee: number;
    currency: string;
    source: string;
    type: BalanceTransaction['type'];
    category: string;
    description: string | null;
  },
): string {
  const id = s.newId('txn_');
  // Card funds become available two days later, at midnight UTC; debits are available at once.
  const availableOn = p.amount > 0 ? Math.floor((s.now + 2 * DAY) / DAY) * DAY : s.now;
  const txn = newBalanceTransaction({ id, created: s.now, availableOn, reportingCategory: p.category, ...p });
  s.store.balance_transactions.insert(txn);
  s.pendingBalance.push(id);
  return id;
}

/** Runs at each midnight: releases available funds and pays them out, one payout per currency. */
export function runDailyPayouts(s: SandboxState): void {
  const keep: string[] = [];
  for (const id of s.pendingBalance) {
    const txn = s.store.balance_transactions.get(id);
    if (!txn) continue;
    if (txn.available_on > s.now) {
      keep.push(id);
      continue;
    }
    txn.status = 'available';
    s.store.balance_transactions.touch(id);
    if (txn.type !== 'payout') s.balance.set(txn.currency, (s.balance.get(txn.currency) ?? 0) + txn.net);
  }
  s.pendingBalance = keep;
  for (const [currency, amount] of s.balance) {
    if (amount <= 0) continue;
    const id = s.newId('po_');
    const txnId = addBalanceTransaction(s, {
      amount: -amount,
      fee: 0,
      currency,
      source: id,
      type: 'payout',
      category: 'payout',
      description: 'STRIPE PAYOUT',
    });
    const arrival = s.now + 2 * DAY;
    s.store.payouts.insert(
      newPayout({ id, created: s.now, amount, currency, arrivalDate: arrival, balanceTransaction: txnId }),
    );
    s.balance.set(currency, 0);
    changed(s, 'payout.created', s.store.payouts, id);
    s.scheduler.at(arrival, () => {
      const po = s.store.payouts.get(id);
      if (po?.status !== 'in_transit') return;
      po.status = 'paid';
      po.reconciliation_status = 'completed';
      po.trace_id = { status: 'supported', value: `TRACE${id.slice(3, 13).toUpperCase()}` };
      changed(s, 'payout.paid', s.store.payouts, id, { status: 'in_transit' });
    });
  }
}

/** Schedules the payout run at every midnight from `from` on. */
export function startPayoutSchedule(s: SandboxState, from: number): void {
  const next = Math.floor(from / DAY) * DAY + DAY;
  const tick = (at: number) => {
    s.scheduler.at(at, () => {
      runDailyPayouts(s);
      tick(at + DAY);
    });
  };
  tick(next);
}
