-- CRM accounts, their links to Stripe customers, and the billing figures computed for them.
-- Rows derived from Stripe carry the connector_id they came from, so disconnecting a connector
-- (which erases every row of every table with a connector_id column for that connector) erases
-- them too. Hand-made accounts keep connector_id NULL and survive a disconnect.

CREATE TABLE accounts (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name text NOT NULL,
  domain text,
  external_id text,
  owner text,
  -- set only on accounts created from a Stripe customer
  connector_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX accounts_workspace_name ON accounts (workspace_id, lower(name), id);
CREATE INDEX accounts_workspace_domain ON accounts (workspace_id, domain);
CREATE UNIQUE INDEX accounts_workspace_external_id ON accounts (workspace_id, external_id);
CREATE INDEX accounts_connector ON accounts (connector_id);

-- One Stripe customer belongs to at most one account (per connector); an account may hold several.
CREATE TABLE account_customers (
  workspace_id text NOT NULL,
  connector_id text NOT NULL,
  customer_id text NOT NULL,
  account_id text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  -- metadata | domain | created | manual
  linked_by text NOT NULL,
  -- a hand-made link: never changed by a re-sync
  manual boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, customer_id)
);

CREATE INDEX account_customers_account ON account_customers (account_id);
CREATE INDEX account_customers_workspace ON account_customers (workspace_id);

-- The current billing posture of an account (what lists and the account page read).
CREATE TABLE account_posture (
  account_id text PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  workspace_id text NOT NULL,
  connector_id text,
  health text NOT NULL,
  reasons jsonb NOT NULL DEFAULT '[]',
  mrr_by_currency jsonb NOT NULL DEFAULT '{}',
  scheduled_churn_by_currency jsonb NOT NULL DEFAULT '{}',
  reporting_currency text NOT NULL,
  -- null when a rate is missing (mrr_error says so)
  mrr_reporting bigint,
  mrr_error text,
  mrr_error_message text,
  payment_status text NOT NULL,
  days_past_due integer NOT NULL DEFAULT 0,
  open_amount_due jsonb NOT NULL DEFAULT '{}',
  failed_payments_30d integer NOT NULL DEFAULT 0,
  last_successful_payment_at bigint,
  next_payment_attempt bigint,
  default_payment_method_id text,
  card_exp_month integer,
  card_exp_year integer,
  ever_had_mrr boolean NOT NULL DEFAULT false,
  -- the "now" (Unix seconds) the figures hold for
  as_of bigint NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX account_posture_workspace_health ON account_posture (workspace_id, health);
CREATE INDEX account_posture_connector ON account_posture (connector_id);

-- Daily MRR per currency, stored as change points: a row for each day at whose end the
-- account's MRR differs from the day before; the value holds until the next row.
CREATE TABLE account_mrr_snapshots (
  workspace_id text NOT NULL,
  account_id text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  connector_id text,
  day date NOT NULL,
  mrr jsonb NOT NULL,
  PRIMARY KEY (account_id, day)
);

CREATE INDEX account_mrr_snapshots_workspace_day ON account_mrr_snapshots (workspace_id, day);
CREATE INDEX account_mrr_snapshots_connector ON account_mrr_snapshots (connector_id);

-- Daily movements in the workspace's reporting currency, one row per day the MRR changed.
-- amount is null (and error set) when an FX rate needed to convert the day is missing.
CREATE TABLE account_movements (
  workspace_id text NOT NULL,
  account_id text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  connector_id text,
  day date NOT NULL,
  currency text NOT NULL,
  kind text,
  amount bigint,
  fx_adjustment bigint,
  mrr_start bigint,
  mrr_end bigint,
  error text,
  PRIMARY KEY (account_id, day)
);

CREATE INDEX account_movements_workspace_day ON account_movements (workspace_id, day);
CREATE INDEX account_movements_connector ON account_movements (connector_id);

-- The user-loaded FX rate table: 1 `base` = rate `quote`, in force from `date`.
CREATE TABLE fx_rates (
  workspace_id text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  date date NOT NULL,
  base text NOT NULL,
  quote text NOT NULL,
  rate numeric NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, base, quote, date)
);

-- The timeline finds a dispute's events by the dispute id (a dispute names no customer; the
-- customer's own events are found through stripe_events_customer).
CREATE INDEX stripe_events_object ON stripe_events (connector_id, object_id);
CREATE INDEX stripe_disputes_charge ON stripe_disputes (connector_id, charge_id)
