// Settings and the shared context of the billing health rules.

import type { PaymentStatus } from './payment-status.ts';
import type {
  BillingCharge,
  BillingDispute,
  BillingInvoice,
  BillingPaymentMethod,
  BillingSubscription,
  MrrHistory,
  Reason,
} from './types.ts';

export type Health = 'no_billing' | 'churned' | 'delinquent' | 'at_risk' | 'trialing' | 'healthy';

export interface BillingHealthInput {
  /** the Stripe customers linked to the account */
  customerIds: readonly string[];
  /** every subscription of those customers, including ended ones */
  subscriptions: readonly BillingSubscription[];
  invoices: readonly BillingInvoice[];
  charges: readonly BillingCharge[];
  disputes: readonly BillingDispute[];
  paymentMethods: readonly BillingPaymentMethod[];
  /** the account's daily MRR in the reporting currency (for churned and mrr_drop) */
  mrrHistory?: MrrHistory | null;
  /** the account had MRR > 0 at some time before now, if known beyond mrrHistory */
  everHadMrr?: boolean;
  /** paymentStatus(input, now) when the caller already has it (computed once per account) */
  payment?: PaymentStatus;
}

export interface HealthSettings {
  /** delinquent when days past due exceed this */
  delinquentDaysPastDue: number;
  /** at_risk when the default card expires within this many days */
  cardExpiryWarningDays: number;
  /** delinquent when a dispute was lost within this many days */
  disputeLostWindowDays: number;
  /** at_risk when a charge failed within this many days */
  failedChargeWindowDays: number;
  /** at_risk when MRR fell by more than this percentage… */
  mrrDropPercent: number;
  /** …over this many days */
  mrrDropWindowDays: number;
  /** at_risk when a trial ends within this many days and there is no payment method */
  trialEndingWindowDays: number;
  /** locale for amounts in messages */
  locale: string;
}

export const DEFAULT_HEALTH_SETTINGS: HealthSettings = {
  delinquentDaysPastDue: 30,
  cardExpiryWarningDays: 30,
  disputeLostWindowDays: 90,
  failedChargeWindowDays: 7,
  mrrDropPercent: 20,
  mrrDropWindowDays: 30,
  trialEndingWindowDays: 7,
  locale: 'en-US',
};

export interface BillingHealth {
  health: Health;
  reasons: Reason[];
}

export const ENDED: ReadonlySet<string> = new Set(['canceled', 'incomplete_expired']);
export const OPEN_DISPUTE: ReadonlySet<string> = new Set([
  'needs_response',
  'warning_needs_response',
  'under_review',
  'warning_under_review',
]);

/** What every rule reads: the input, the as-of time, the settings, and the payment status. */
export interface HealthContext {
  input: BillingHealthInput;
  now: number;
  s: HealthSettings;
  payment: PaymentStatus;
  money: (minor: number, currency: string) => string;
}
