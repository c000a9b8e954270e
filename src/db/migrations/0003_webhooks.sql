-- Webhook intake: the durable inbox every verified event lands in before Stripe gets its 2xx, the
-- per-connector intake counters the health page reads, and the catch-up state.
-- The inbox is also the work queue: workers claim due rows with FOR UPDATE SKIP LOCKED.

CREATE TABLE webhook_inbox (
  workspace_id text NOT NULL,
  connector_id text NOT NULL,
  event_id text NOT NULL,
  type text NOT NULL,
  created bigint NOT NULL,
  livemode boolean NOT NULL DEFAULT false,
  api_version text,
  object_id text,
  payload jsonb NOT NULL,
  source text NOT NULL DEFAULT 'webhook',
  status text NOT NULL DEFAULT 'pending',
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text,
  received_at timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, event_id)
);

-- The claim query reads only due work: a partial index keeps it small however long the history grows.
CREATE INDEX webhook_inbox_due ON webhook_inbox (next_attempt_at) WHERE status IN ('pending', 'failed');
-- Workers claim the oldest events first (by created): this index serves that order without a sort.
CREATE INDEX webhook_inbox_due_created ON webhook_inbox (created, received_at) WHERE status IN ('pending', 'failed');
CREATE INDEX webhook_inbox_status ON webhook_inbox (connector_id, status, received_at DESC);
CREATE INDEX webhook_inbox_created ON webhook_inbox (connector_id, created DESC);

CREATE TABLE webhook_intake_counters (
  connector_id text NOT NULL,
  counter text NOT NULL,
  count bigint NOT NULL DEFAULT 0,
  last_at timestamptz,
  PRIMARY KEY (connector_id, counter)
);

CREATE TABLE webhook_catch_up (
  connector_id text PRIMARY KEY,
  last_run_at timestamptz,
  last_listed integer NOT NULL DEFAULT 0,
  last_inserted integer NOT NULL DEFAULT 0,
  last_gap_resync_at timestamptz,
  last_error text
);
