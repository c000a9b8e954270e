// Report rates over a period (billing-metrics.md, "Rates"). Every rate whose denominator is zero
// is null ("not defined for this period"), never NaN or Infinity.
// Movement amounts are signed: churn and contraction are negative.

import { rat, toSafeInteger } from './rational.ts';

function ratio(numerator: number, denominator: number): number | null {
  // `+ 0` turns −0 (from negating a zero sum) into 0.
  return denominator === 0 ? null : numerator / denominator + 0;
}

/** churned accounts ÷ (accounts with MRR at start + new accounts in the period). */
export function subscriberChurnRate(input: {
  churnedAccounts: number;
  accountsAtStart: number;
  newAccounts: number;
}): number | null {
  return ratio(input.churnedAccounts, input.accountsAtStart + input.newAccounts);
}

/** −(churn + contraction) ÷ MRR at start; ≥ 0. */
export function grossMrrChurnRate(input: {
  churn: number;
  contraction: number;
  mrrAtStart: number;
}): number | null {
  return ratio(-(input.churn + input.contraction), input.mrrAtStart);
}

/** −(churn + contraction + expansion + reactivation) ÷ MRR at start; below 0 means net expansion. */
export function netMrrChurnRate(input: {
  churn: number;
  contraction: number;
  expansion: number;
  reactivation: number;
  mrrAtStart: number;
}): number | null {
  return ratio(-(input.churn + input.contraction + input.expansion + input.reactivation), input.mrrAtStart);
}

/** MRR ÷ accounts with MRR > 0, in minor units rounded half-to-even (it is money). */
export function arpa(input: { mrr: number; accountsWithMrr: number }): number | null {
  if (input.accountsWithMrr === 0) return null;
  return toSafeInteger(rat(input.mrr, input.accountsWithMrr));
}

/** (new + expansion + reactivation) ÷ |contraction + churn|. */
export function quickRatio(input: {
  new: number;
  expansion: number;
  reactivation: number;
  contraction: number;
  churn: number;
}): number | null {
  return ratio(input.new + input.expansion + input.reactivation, Math.abs(input.contraction + input.churn));
}
