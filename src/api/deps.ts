import type { Registry } from 'prom-client';
import type { Config } from '../config/config.ts';
import type { Vault } from '../connector/vault.ts';
import type { Db } from '../db/client.ts';
import type { Authenticator } from './auth.ts';

/**
 * What the HTTP app is built from. Parts are created by the caller (serve, tests) and handed in;
 * routes only parse input, call a part and shape the answer.
 */
export interface AppDeps {
  db: Db;
  vault: Vault;
  config: Config;
  /** Prometheus registry served at /metrics; parts register their own metrics on it. */
  registry: Registry;
  /** Extra ways to authenticate a request (session cookies); bearer API tokens are built in. */
  authenticators?: Authenticator[];
  /** Webhook intake, workers and catch-up (src/webhooks); the route builds an intake-only one when absent. */
  webhooks?: import('../webhooks/service.ts').WebhookService;
  /** Background backfills (src/sync): POST/GET /api/connectors/:id/sync answer 503 without it. */
  sync?: import('../sync/runner.ts').SyncRunner;
}
