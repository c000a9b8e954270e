-- Foundation: workspaces, connectors, API tokens, audit log, and one table per Stripe object family.
-- Every row carries its workspace and connector. Stripe tables keep typed key columns for what the
-- product reads, the redacted object as jsonb, and source_ts: the time (ms) the state was observed
-- (event.created, or the Date of the list response), so an older state never overwrites a newer one.

CREATE TABLE workspaces (
  id text PRIMARY KEY,
  name text NOT NULL,
  reporting_currency text NOT NULL DEFAULT 'usd',
  created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO workspaces (id, name) VALUES ('default', 'Default workspace');

CREATE TABLE connectors (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name text NOT NULL DEFAULT 'Stripe',
  status text NOT NULL DEFAULT 'not_connected',
  status_reason text,
  livemode boolean,
  api_base text,
  api_key_enc text,
  api_key_mask text,
  webhook_secrets_enc jsonb NOT NULL DEFAULT '[]',
  rate_limit_rps numeric,
  connected_at timestamptz,
  last_event_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX connectors_workspace ON connectors (workspace_id);

CREATE TABLE api_tokens (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name text NOT NULL,
  scope text NOT NULL DEFAULT 'write',
  token_hash text NOT NULL UNIQUE,
  token_prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  workspace_id text NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  target text,
  detail jsonb NOT NULL DEFAULT '{}',
  at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX audit_log_workspace ON audit_log (workspace_id, at DESC);

CREATE TABLE stripe_customers (
  workspace_id text NOT NULL,
  connector_id text NOT NULL,
  id text NOT NULL,
  livemode boolean NOT NULL DEFAULT false,
  created bigint,
  customer_id text,
  status text,
  currency text,
  amount bigint,
  email text,
  name text,
  data jsonb NOT NULL,
  source_ts bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, id)
);

CREATE INDEX stripe_customers_customer ON stripe_customers (connector_id, customer_id);

CREATE TABLE stripe_products (
  workspace_id text NOT NULL,
  connector_id text NOT NULL,
  id text NOT NULL,
  livemode boolean NOT NULL DEFAULT false,
  created bigint,
  customer_id text,
  status text,
  currency text,
  amount bigint,
  name text,
  active boolean,
  data jsonb NOT NULL,
  source_ts bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, id)
);

CREATE INDEX stripe_products_customer ON stripe_products (connector_id, customer_id);

CREATE TABLE stripe_prices (
  workspace_id text NOT NULL,
  connector_id text NOT NULL,
  id text NOT NULL,
  livemode boolean NOT NULL DEFAULT false,
  created bigint,
  customer_id text,
  status text,
  currency text,
  amount bigint,
  product_id text,
  active boolean,
  recurring_interval text,
  recurring_interval_count integer,
  data jsonb NOT NULL,
  source_ts bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, id)
);

CREATE INDEX stripe_prices_customer ON stripe_prices (connector_id, customer_id);

CREATE TABLE stripe_coupons (
  workspace_id text NOT NULL,
  connector_id text NOT NULL,
  id text NOT NULL,
  livemode boolean NOT NULL DEFAULT false,
  created bigint,
  customer_id text,
  status text,
  currency text,
  amount bigint,
  percent_off numeric,
  duration text,
  data jsonb NOT NULL,
  source_ts bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, id)
);

CREATE INDEX stripe_coupons_customer ON stripe_coupons (connector_id, customer_id);

CREATE TABLE stripe_subscriptions (
  workspace_id text NOT NULL,
  connector_id text NOT NULL,
  id text NOT NULL,
  livemode boolean NOT NULL DEFAULT false,
  created bigint,
  customer_id text,
  status text,
  currency text,
  amount bigint,
  cancel_at_period_end boolean,
  cancel_at bigint,
  ended_at bigint,
  trial_end bigint,
  data jsonb NOT NULL,
  source_ts bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, id)
);

CREATE INDEX stripe_subscriptions_customer ON stripe_subscriptions (connector_id, customer_id);

CREATE TABLE stripe_subscription_items (
  workspace_id text NOT NULL,
  connector_id text NOT NULL,
  id text NOT NULL,
  livemode boolean NOT NULL DEFAULT false,
  created bigint,
  customer_id text,
  status text,
  currency text,
  amount bigint,
  subscription_id text,
  price_id text,
  quantity bigint,
  data jsonb NOT NULL,
  source_ts bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, id)
);

CREATE INDEX stripe_subscription_items_customer ON stripe_subscription_items (connector_id, customer_id);

CREATE TABLE stripe_invoices (
  workspace_id text NOT NULL,
  connector_id text NOT NULL,
  id text NOT NULL,
  livemode boolean NOT NULL DEFAULT false,
  created bigint,
  customer_id text,
  status text,
  currency text,
  amount bigint,
  subscription_id text,
  amount_due bigint,
  amount_paid bigint,
  amount_remaining bigint,
  attempt_count integer,
  next_payment_attempt bigint,
  due_date bigint,
  collection_method text,
  data jsonb NOT NULL,
  source_ts bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, id)
);

CREATE INDEX stripe_invoices_customer ON stripe_invoices (connector_id, customer_id);

CREATE TABLE stripe_invoice_line_items (
  workspace_id text NOT NULL,
  connector_id text NOT NULL,
  id text NOT NULL,
  livemode boolean NOT NULL DEFAULT false,
  created bigint,
  customer_id text,
  status text,
  currency text,
  amount bigint,
  invoice_id text,
  subscription_id text,
  price_id text,
  data jsonb NOT NULL,
  source_ts bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, id)
);

CREATE INDEX stripe_invoice_line_items_customer ON stripe_invoice_line_items (connector_id, customer_id);

CREATE TABLE stripe_invoice_items (
  workspace_id text NOT NULL,
  connector_id text NOT NULL,
  id text NOT NULL,
  livemode boolean NOT NULL DEFAULT false,
  created bigint,
  customer_id text,
  status text,
  currency text,
  amount bigint,
  invoice_id text,
  price_id text,
  data jsonb NOT NULL,
  source_ts bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, id)
);

CREATE INDEX stripe_invoice_items_customer ON stripe_invoice_items (connector_id, customer_id);

CREATE TABLE stripe_payment_intents (
  workspace_id text NOT NULL,
  connector_id text NOT NULL,
  id text NOT NULL,
  livemode boolean NOT NULL DEFAULT false,
  created bigint,
  customer_id text,
  status text,
  currency text,
  amount bigint,
  invoice_id text,
  data jsonb NOT NULL,
  source_ts bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, id)
);

CREATE INDEX stripe_payment_intents_customer ON stripe_payment_intents (connector_id, customer_id);

CREATE TABLE stripe_charges (
  workspace_id text NOT NULL,
  connector_id text NOT NULL,
  id text NOT NULL,
  livemode boolean NOT NULL DEFAULT false,
  created bigint,
  customer_id text,
  status text,
  currency text,
  amount bigint,
  payment_intent_id text,
  invoice_id text,
  failure_code text,
  outcome_type text,
  amount_refunded bigint,
  data jsonb NOT NULL,
  source_ts bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, id)
);

CREATE INDEX stripe_charges_customer ON stripe_charges (connector_id, customer_id);

CREATE TABLE stripe_payment_methods (
  workspace_id text NOT NULL,
  connector_id text NOT NULL,
  id text NOT NULL,
  livemode boolean NOT NULL DEFAULT false,
  created bigint,
  customer_id text,
  status text,
  currency text,
  amount bigint,
  type text,
  card_brand text,
  card_last4 text,
  card_exp_month integer,
  card_exp_year integer,
  card_fingerprint text,
  data jsonb NOT NULL,
  source_ts bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, id)
);

CREATE INDEX stripe_payment_methods_customer ON stripe_payment_methods (connector_id, customer_id);

CREATE TABLE stripe_refunds (
  workspace_id text NOT NULL,
  connector_id text NOT NULL,
  id text NOT NULL,
  livemode boolean NOT NULL DEFAULT false,
  created bigint,
  customer_id text,
  status text,
  currency text,
  amount bigint,
  charge_id text,
  payment_intent_id text,
  data jsonb NOT NULL,
  source_ts bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, id)
);

CREATE INDEX stripe_refunds_customer ON stripe_refunds (connector_id, customer_id);

CREATE TABLE stripe_disputes (
  workspace_id text NOT NULL,
  connector_id text NOT NULL,
  id text NOT NULL,
  livemode boolean NOT NULL DEFAULT false,
  created bigint,
  customer_id text,
  status text,
  currency text,
  amount bigint,
  charge_id text,
  reason text,
  due_by bigint,
  data jsonb NOT NULL,
  source_ts bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, id)
);

CREATE INDEX stripe_disputes_customer ON stripe_disputes (connector_id, customer_id);

CREATE TABLE stripe_payouts (
  workspace_id text NOT NULL,
  connector_id text NOT NULL,
  id text NOT NULL,
  livemode boolean NOT NULL DEFAULT false,
  created bigint,
  customer_id text,
  status text,
  currency text,
  amount bigint,
  arrival_date bigint,
  data jsonb NOT NULL,
  source_ts bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, id)
);

CREATE INDEX stripe_payouts_customer ON stripe_payouts (connector_id, customer_id);

CREATE TABLE stripe_balance_transactions (
  workspace_id text NOT NULL,
  connector_id text NOT NULL,
  id text NOT NULL,
  livemode boolean NOT NULL DEFAULT false,
  created bigint,
  customer_id text,
  status text,
  currency text,
  amount bigint,
  type text,
  source_id text,
  fee bigint,
  net bigint,
  data jsonb NOT NULL,
  source_ts bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, id)
);

CREATE INDEX stripe_balance_transactions_customer ON stripe_balance_transactions (connector_id, customer_id);

CREATE TABLE stripe_credit_notes (
  workspace_id text NOT NULL,
  connector_id text NOT NULL,
  id text NOT NULL,
  livemode boolean NOT NULL DEFAULT false,
  created bigint,
  customer_id text,
  status text,
  currency text,
  amount bigint,
  invoice_id text,
  data jsonb NOT NULL,
  source_ts bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, id)
);

CREATE INDEX stripe_credit_notes_customer ON stripe_credit_notes (connector_id, customer_id);

CREATE TABLE stripe_events (
  workspace_id text NOT NULL,
  connector_id text NOT NULL,
  id text NOT NULL,
  livemode boolean NOT NULL DEFAULT false,
  created bigint,
  customer_id text,
  status text,
  currency text,
  amount bigint,
  type text,
  api_version text,
  object_id text,
  object_type text,
  data jsonb NOT NULL,
  source_ts bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, id)
);

CREATE INDEX stripe_events_customer ON stripe_events (connector_id, customer_id);

CREATE INDEX stripe_subscription_items_subscription ON stripe_subscription_items (connector_id, subscription_id);
CREATE INDEX stripe_invoice_line_items_invoice ON stripe_invoice_line_items (connector_id, invoice_id);
CREATE INDEX stripe_invoices_subscription ON stripe_invoices (connector_id, subscription_id);
CREATE INDEX stripe_charges_invoice ON stripe_charges (connector_id, invoice_id);
CREATE INDEX stripe_events_created ON stripe_events (connector_id, created DESC);
