-- People: users, their roles per workspace, browser sessions, one-time set-up/invite links, login
-- attempts (rate limiting), and the Stripe API errors seen per connector (health page).
-- Secrets (session tokens, set-up tokens) are stored as SHA-256 hashes; passwords as scrypt.

CREATE TABLE users (
  id text PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name text NOT NULL DEFAULT '',
  password_hash text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
  workspace_id text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'viewer')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, user_id)
);

CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE sessions (
  id text PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  workspace_id text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id);

-- purpose 'owner': the first-start link that creates the workspace owner; 'invite': a member sets
-- their password. Single use (used_at) and expiring.
CREATE TABLE setup_tokens (
  token_hash text PRIMARY KEY,
  purpose text NOT NULL CHECK (purpose IN ('owner', 'invite')),
  user_id text REFERENCES users(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

CREATE TABLE login_attempts (
  id bigserial PRIMARY KEY,
  email text NOT NULL,
  ip text NOT NULL,
  ok boolean NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX login_attempts_email ON login_attempts (email, at DESC);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at DESC);

-- Stripe API failures by kind per connector, for the health page. connector_id makes it part of
-- the connector's data, so disconnect-and-delete erases it with the rest.
CREATE TABLE connector_api_errors (
  connector_id text NOT NULL,
  kind text NOT NULL,
  count bigint NOT NULL DEFAULT 0,
  last_at timestamptz NOT NULL DEFAULT now(),
  last_message text,
  PRIMARY KEY (connector_id, kind)
);
