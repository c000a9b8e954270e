-- Backfill checkpoints. A sync run reads every family as `created` ranges; each range keeps its
-- cursor (the last object id committed) and a done flag, written in the same transaction as the
-- page it describes, so a crash or Ctrl-C resumes exactly after the last committed page.

CREATE TABLE sync_runs (
  id text PRIMARY KEY,
  workspace_id text NOT NULL,
  connector_id text NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
  -- running | complete | incomplete | failed | interrupted
  status text NOT NULL,
  -- Exclusive upper bound on `created` (unix seconds): objects created later arrive by webhook.
  upper_bound bigint NOT NULL,
  -- Stripe's clock (ms) when the run began: the ordering marker for rows marked deleted.
  source_ts bigint NOT NULL,
  attempts integer NOT NULL DEFAULT 1,
  requests bigint NOT NULL DEFAULT 0,
  elapsed_ms bigint NOT NULL DEFAULT 0,
  result jsonb,
  error text,
  error_kind text,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);

CREATE INDEX sync_runs_connector ON sync_runs (connector_id, started_at DESC);

CREATE TABLE sync_ranges (
  id bigserial PRIMARY KEY,
  run_id text NOT NULL REFERENCES sync_runs(id) ON DELETE CASCADE,
  family text NOT NULL,
  created_gte bigint NOT NULL,
  created_lt bigint NOT NULL,
  -- Last object id committed from this range (starting_after for the next page).
  cursor text,
  -- `created` of that object: where the remaining window ends, used to split the range.
  cursor_created bigint,
  done boolean NOT NULL DEFAULT false,
  listed bigint NOT NULL DEFAULT 0,
  pages integer NOT NULL DEFAULT 0,
  -- Why the family was not read (a permission Atlas does not need to work), or null.
  skipped text
);

CREATE INDEX sync_ranges_run ON sync_ranges (run_id, done);

-- Every id listed in a run: proves completeness (id sets) and finds objects deleted in Stripe
-- while the connector was offline. `children_done` marks customers whose payment methods (listed
-- per customer: there is no account-wide list) are committed.
CREATE TABLE sync_seen (
  run_id text NOT NULL REFERENCES sync_runs(id) ON DELETE CASCADE,
  family text NOT NULL,
  id text NOT NULL,
  children_done boolean NOT NULL DEFAULT false,
  PRIMARY KEY (run_id, family, id)
);

CREATE INDEX sync_seen_pending_children ON sync_seen (run_id, family, id) WHERE NOT children_done;
