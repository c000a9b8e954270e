// Subscription and subscription item objects (endive: billing periods live on each item).
import { planOf } from './catalog.ts';
import { type Metadata, nestedList, type Price, type Subscription, type SubscriptionItem } from './wire.ts';

export function newSubscriptionItem(p: {
  id: string;
  created: number;
  subscription: string;
  price: Price;
  quantity: number;
  periodStart: number;
  periodEnd: number;
  metadata?: Metadata;
}): SubscriptionItem {
  return {
    id: p.id,
    object: 'subscription_item',
    billing_thresholds: null,
    created: p.created,
    current_period_end: p.periodEnd,
    current_period_start: p.periodStart,
    current_trial: null,
    discounts: [],
    metadata: p.metadata ?? {},
    plan: planOf(p.price),
    price: p.price,
    quantity: p.quantity,
    subscription: p.subscription,
    tax_rates: [],
  };
}

export type NewSubscription = {
  id: string;
  created: number;
  customer: string;
  currency: string;
  items: SubscriptionItem[];
  status: Subscription['status'];
  collectionMethod: 'charge_automatically' | 'send_invoice';
  daysUntilDue: number | null;
  defaultPaymentMethod: string | null;
  trialStart: number | null;
  trialEnd: number | null;
  billingCycleAnchor: number;
  cancelAtPeriodEnd: boolean;
  cancelAt: number | null;
  description: string | null;
  metadata: Metadata;
};

export function newSubscription(p: NewSubscription): Subscription {
  return {
    id: p.id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: p.billingCycleAnchor,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: 'classic' },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: p.cancelAt,
    cancel_at_period_end: p.cancelAtPeriodEnd,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: p.collectionMethod,
    created: p.created,
    currency: p.currency,
    customer: p.customer,
    customer_account: null,
    days_until_due: p.daysUntilDue,
    default_payment_method: p.defaultPaymentMethod,
    default_source: null,
    default_tax_rates: [],
    description: p.description,
    discounts: [],
    ended_at: null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: 'self' },
    },
    items: itemsList(p.id, p.items),
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: p.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: null,
      save_default_payment_method: 'off',
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: p.created,
    status: p.status,
    test_clock: null,
    transfer_data: null,
    trial_end: p.trialEnd,
    trial_settings: {
      end_behavior: { billing_cycle_anchor: null, missing_payment_method: 'create_invoice' },
    },
    trial_start: p.trialStart,
  };
}

export function itemsList(subscriptionId: string, items: SubscriptionItem[]): Subscription['items'] {
  return nestedList(`/v1/subscription_items?subscription=${subscriptionId}`, items);
}
