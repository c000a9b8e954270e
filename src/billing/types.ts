// Input shapes for the billing rules. The store layer builds them from Stripe objects of any API
// version (the rules never see raw Stripe types), so each field says where it comes from.
// All timestamps are Unix seconds (Stripe's unit). All amounts are integers in the currency's
// minor unit unless the name ends in `Decimal` (an exact decimal string, still in minor units).
// Currencies are ISO codes; the rules compare them case-insensitively.

export type SubscriptionStatus =
  | 'incomplete'
  | 'incomplete_expired'
  | 'trialing'
  | 'active'
  | 'past_due'
  | 'canceled'
  | 'unpaid'
  | 'paused';

export type CollectionMethod = 'charge_automatically' | 'send_invoice';

export interface BillingDiscount {
  /** coupon.id */
  couponId: string;
  /** coupon.percent_off (e.g. 25 or 12.5), null for an amount_off coupon */
  percentOff: number | null;
  /** coupon.amount_off in minor units of `currency` (map currency_options[sub currency] here) */
  amountOff: number | null;
  /** coupon.currency (for amount_off), null otherwise */
  currency: string | null;
  /** coupon.duration */
  duration: 'forever' | 'once' | 'repeating';
  /** discount.end: when a repeating discount stops applying; null for forever and once */
  end: number | null;
  /** coupon.applies_to.products: when set, a subscription-level discount affects only these products */
  appliesToProductIds?: string[] | null;
}

export interface BillingTier {
  /** tiers[].up_to; null means "inf" (the last tier) */
  upTo: number | null;
  /** tiers[].unit_amount_decimal (or unit_amount as a string) */
  unitAmountDecimal: string | null;
  /** tiers[].flat_amount_decimal (or flat_amount as a string) */
  flatAmountDecimal: string | null;
}

export interface BillingPrice {
  id: string;
  currency: string;
  /** price.type */
  type: 'recurring' | 'one_time';
  /** price.recurring.interval, null for one-time prices */
  interval: 'day' | 'week' | 'month' | 'year' | null;
  /** price.recurring.interval_count (1 when absent) */
  intervalCount: number;
  /** price.recurring.usage_type, null for one-time prices */
  usageType: 'licensed' | 'metered' | null;
  billingScheme: 'per_unit' | 'tiered';
  /** price.unit_amount_decimal: exact decimal string in minor units */
  unitAmountDecimal: string | null;
  /** price.tiers_mode, null unless tiered */
  tiersMode: 'graduated' | 'volume' | null;
  tiers: BillingTier[];
  /** price.transform_quantity */
  transformQuantity: { divideBy: number; round: 'up' | 'down' } | null;
  /** price.product, for coupons restricted by applies_to */
  productId?: string | null;
  /** product name, for messages and the timeline (optional) */
  productName?: string | null;
}

export interface BillingItem {
  /** subscription_item.id */
  id: string;
  quantity: number;
  price: BillingPrice;
  /** item-level discounts (subscription_item.discounts, expanded) */
  discounts: BillingDiscount[];
}

export interface BillingSubscription {
  id: string;
  customerId: string;
  status: SubscriptionStatus;
  currency: string;
  collectionMethod: CollectionMethod;
  cancelAtPeriodEnd: boolean;
  cancelAt: number | null;
  endedAt: number | null;
  /** true when subscription.pause_collection is set */
  pauseCollection: boolean;
  trialEnd: number | null;
  created: number;
  items: BillingItem[];
  /** subscription-level discounts (subscription.discounts, expanded; or the legacy singular discount) */
  discounts: BillingDiscount[];
}

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'uncollectible' | 'void';

export interface BillingInvoice {
  id: string;
  customerId?: string | null;
  status: InvoiceStatus;
  collectionMethod: CollectionMethod;
  created: number;
  /** due_date (send_invoice only) */
  dueDate: number | null;
  amountDue: number;
  amountRemaining: number;
  currency: string;
  attemptCount: number;
  /** next_payment_attempt: null when no automatic retry is scheduled */
  nextPaymentAttempt: number | null;
  /** time of the first invoice.payment_failed for this invoice, if known */
  firstFailedAt: number | null;
  /** status_transitions.paid_at, if paid */
  paidAt?: number | null;
  /** invoice.subscription or invoice.parent.subscription_details.subscription */
  subscriptionId: string | null;
}

export interface BillingCharge {
  id: string;
  status: 'succeeded' | 'pending' | 'failed';
  created: number;
  failureCode: string | null;
  failureMessage: string | null;
  /** outcome.reason (e.g. insufficient_funds) */
  outcomeReason: string | null;
  invoiceId: string | null;
  amount: number;
  currency: string;
}

export type DisputeStatus =
  | 'warning_needs_response'
  | 'warning_under_review'
  | 'warning_closed'
  | 'needs_response'
  | 'under_review'
  | 'won'
  | 'lost'
  | 'prevented';

export interface BillingDispute {
  id: string;
  status: DisputeStatus;
  created: number;
  /** evidence_details.due_by */
  dueBy: number | null;
  amount: number;
  currency: string;
  /** when the dispute reached won/lost (from the dispute.closed event), if known */
  closedAt: number | null;
  /** dispute.reason, e.g. fraudulent */
  reason?: string | null;
  chargeId?: string | null;
}

export interface BillingPaymentMethod {
  id: string;
  brand: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
  /** true when it is the customer's invoice_settings.default_payment_method (or default source) */
  isDefault: boolean;
}

/** One point of an account's MRR history, in the reporting currency. */
export interface MrrPoint {
  /** end of the day the value holds for (Unix seconds) */
  at: number;
  /** MRR in minor units of the history's currency */
  mrr: number;
}

export interface MrrHistory {
  currency: string;
  points: MrrPoint[];
}

/** Why a rule fired: a stable code, a plain-words message, and the figures behind it. */
export interface Reason {
  code: string;
  message: string;
  evidence: Record<string, unknown>;
}

/** MRR (or any amount) per currency, keyed by lower-case ISO code, integer minor units. */
export type PerCurrency = Record<string, number>;
