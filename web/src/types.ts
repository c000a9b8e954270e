// Shapes of the public REST API (see the API contract). The UI reads nothing else.

export interface Money {
  amount: number;
  currency: string;
  formatted?: string;
}

export interface ListResponse<T> {
  data: T[];
  next_cursor: string | null;
}

export interface Me {
  user: { id: string; email: string; name: string };
  workspace: { id: string; name: string; reporting_currency: string };
  role: 'owner' | 'admin' | 'viewer';
  csrf_token: string;
}

export type ConnectorStatus = 'not_connected' | 'awaiting_test_event' | 'connected' | 'error';

export interface Connector {
  id: string;
  name: string;
  status: ConnectorStatus;
  status_reason: string | null;
  livemode: boolean | null;
  api_key_mask: string | null;
  webhook_secret_masks: string[];
  webhook_url: string;
  events_to_select: string[];
  sandbox: boolean;
  connected_at: string | null;
  last_event_at: string | null;
  created_at: string;
}

export interface PermissionCheck {
  permission: string;
  label: string;
  ok: boolean;
  message: string;
}

export interface ConnectResult {
  connector: Connector;
  checks: PermissionCheck[];
  warnings: string[];
}

export interface TestResult {
  ok: boolean;
  checks: { name: string; ok: boolean; message: string; troubleshooting?: string }[];
}

export interface ConnectorHealth {
  last_event_at: string | null;
  deliveries: { accepted: number; duplicates: number; rejected: Record<string, number> };
  processing_lag_seconds: number | null;
  parked: { event_id: string; type: string; attempts: number; last_error: string | null }[];
  last_sync: {
    started_at: string | null;
    finished_at: string | null;
    complete: boolean | null;
    status?: string;
    error?: string | null;
    families: Record<string, { listed: number; stored: number }>;
  } | null;
  api_errors: {
    kind: string;
    count: number;
    last_at: string | null;
    message: string;
    troubleshooting: string;
  }[];
}

export interface EraseResult {
  erased: Record<string, number>;
  connector_id: string;
}

export type Health = 'no_billing' | 'churned' | 'delinquent' | 'at_risk' | 'trialing' | 'healthy';

export interface Reason {
  code: string;
  message: string;
  evidence?: unknown;
}

export interface AccountSummary {
  id: string;
  name: string;
  domain: string | null;
  owner: string | null;
  external_id: string | null;
  health: Health;
  reasons: Reason[];
  mrr: Money | null;
  mrr_error?: string | null;
  mrr_error_message?: string | null;
  mrr_by_currency: Record<string, number>;
  payment_status: 'current' | 'past_due' | 'unpaid' | string;
  days_past_due: number;
}

export interface AccountDetail extends AccountSummary {
  customers: { id: string; email: string | null; name: string | null }[];
  subscriptions: {
    id: string;
    status: string;
    items: { price: string; product_name: string | null; quantity: number; interval: string | null }[];
    mrr: Money | null;
    current_period_end: string | null;
    cancel_at_period_end: boolean;
  }[];
  open_invoices: {
    id: string;
    amount_due: number;
    amount_remaining: number;
    currency: string;
    due_date: string | null;
    attempt_count: number;
    next_payment_attempt: string | null;
    status: string;
  }[];
  recent_payments: {
    id: string;
    amount: number;
    currency: string;
    status: string;
    failure_code: string | null;
    failure_message: string | null;
    created: string;
  }[];
  cards: {
    id: string;
    brand: string;
    last4: string;
    exp_month: number;
    exp_year: number;
    is_default: boolean;
  }[];
}

export interface TimelineEntry {
  at: string;
  type: string;
  text: string;
  object_id: string | null;
}

export interface Movements {
  new: number;
  reactivation: number;
  expansion: number;
  contraction: number;
  churn: number;
  fx_adjustment: number;
}

export interface MrrPoint {
  period: string;
  /** null when an FX rate is missing for this period (see mrr_error_message) */
  mrr: number | null;
  arr: number | null;
  mrr_error?: string;
  mrr_error_message?: string;
  movements: Movements | null;
  subscriber_churn_rate: number | null;
  gross_mrr_churn: number | null;
  net_mrr_churn: number | null;
  arpa: number | null;
  quick_ratio: number | null;
}

export interface MrrReport {
  currency: string;
  points: MrrPoint[];
  by_currency: { currency: string; mrr: number }[];
}
