import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/client.ts';
import { maskSecret, type Vault } from './vault.ts';

/**
 * The connector record: one per connected Stripe account. Credentials are sealed by the vault and
 * only ever leave this module decrypted for a Stripe call or a signature check, never in answers.
 */

export type ConnectorStatus = 'not_connected' | 'awaiting_test_event' | 'connected' | 'error';

export interface Connector {
  id: string;
  workspaceId: string;
  name: string;
  status: ConnectorStatus;
  statusReason: string | null;
  livemode: boolean | null;
  apiBase: string | null;
  apiKeyMask: string | null;
  rateLimitRps: number | null;
  connectedAt: Date | null;
  lastEventAt: Date | null;
  createdAt: Date;
  /** Masks of the signing secrets accepted now (the current one first, then rolled-out ones). */
  webhookSecretMasks: string[];
}

/** A signing secret and, while being rolled out, when it stops being accepted. */
export interface SealedWebhookSecret {
  enc: string;
  mask: string;
  expires_at: string | null;
}

export function newConnectorId(): string {
  return `conn_${randomBytes(8).toString('hex')}`;
}

interface ConnectorRow {
  id: string;
  workspace_id: string;
  name: string;
  status: ConnectorStatus;
  status_reason: string | null;
  livemode: boolean | null;
  api_base: string | null;
  api_key_mask: string | null;
  rate_limit_rps: string | null;
  connected_at: Date | null;
  last_event_at: Date | null;
  created_at: Date;
  webhook_secrets_enc: SealedWebhookSecret[];
}

const COLUMNS =
  'id, workspace_id, name, status, status_reason, livemode, api_base, api_key_mask, rate_limit_rps, connected_at, last_event_at, created_at, webhook_secrets_enc';

const validSecrets = (all: SealedWebhookSecret[], now = new Date()) =>
  all.filter((s) => !s.expires_at || new Date(s.expires_at) > now);

function toConnector(r: ConnectorRow): Connector {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    status: r.status,
    statusReason: r.status_reason,
    livemode: r.livemode,
    apiBase: r.api_base,
    apiKeyMask: r.api_key_mask,
    rateLimitRps: r.rate_limit_rps === null ? null : Number(r.rate_limit_rps),
    connectedAt: r.connected_at,
    lastEventAt: r.last_event_at,
    createdAt: r.created_at,
    webhookSecretMasks: validSecrets(r.webhook_secrets_enc ?? []).map((s) => s.mask),
  };
}

export async function getConnector(q: Queryable, id: string): Promise<Connector | null> {
  const { rows } = await q.query<ConnectorRow>(`SELECT ${COLUMNS} FROM connectors WHERE id = $1`, [id]);
  return rows[0] ? toConnector(rows[0]) : null;
}

export async function listConnectors(q: Queryable, workspaceId?: string): Promise<Connector[]> {
  const { rows } = workspaceId
    ? await q.query<ConnectorRow>(
        `SELECT ${COLUMNS} FROM connectors WHERE workspace_id = $1 ORDER BY created_at`,
        [workspaceId],
      )
    : await q.query<ConnectorRow>(`SELECT ${COLUMNS} FROM connectors ORDER BY created_at`);
  return rows.map(toConnector);
}

export interface SaveConnectorInput {
  id?: string;
  workspaceId: string;
  name?: string;
  apiKey: string;
  webhookSecret?: string;
  apiBase?: string | null;
  rateLimitRps?: number | null;
  status?: ConnectorStatus;
}

/** Creates the connector, or replaces its credentials (rolling the key keeps every stored row). */
export async function saveConnector(
  q: Queryable,
  vault: Vault,
  input: SaveConnectorInput,
): Promise<Connector> {
  const id = input.id ?? newConnectorId();
  const livemode = input.apiKey.includes('_live_');
  const secrets: SealedWebhookSecret[] = input.webhookSecret
    ? [{ enc: vault.encrypt(input.webhookSecret), mask: maskSecret(input.webhookSecret), expires_at: null }]
    : [];
  const { rows } = await q.query<ConnectorRow>(
    `INSERT INTO connectors (id, workspace_id, name, status, livemode, api_base, api_key_enc, api_key_mask,
       webhook_secrets_enc, rate_limit_rps)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)
     ON CONFLICT (id) DO UPDATE SET livemode = EXCLUDED.livemode, api_base = EXCLUDED.api_base,
       api_key_enc = EXCLUDED.api_key_enc, api_key_mask = EXCLUDED.api_key_mask,
       webhook_secrets_enc = CASE WHEN jsonb_array_length(EXCLUDED.webhook_secrets_enc) > 0
         THEN EXCLUDED.webhook_secrets_enc ELSE connectors.webhook_secrets_enc END,
       rate_limit_rps = EXCLUDED.rate_limit_rps, updated_at = now()
     RETURNING ${COLUMNS}`,
    [
      id,
      input.workspaceId,
      input.name ?? 'Stripe',
      input.status ?? 'awaiting_test_event',
      livemode,
      input.apiBase ?? null,
      vault.encrypt(input.apiKey),
      maskSecret(input.apiKey),
      JSON.stringify(secrets),
      input.rateLimitRps ?? null,
    ],
  );
  return toConnector(rows[0]!);
}

export async function getApiKey(q: Queryable, vault: Vault, connectorId: string): Promise<string | null> {
  const { rows } = await q.query<{ api_key_enc: string | null }>(
    'SELECT api_key_enc FROM connectors WHERE id = $1',
    [connectorId],
  );
  const enc = rows[0]?.api_key_enc;
  return enc ? vault.decrypt(enc) : null;
}

/** The signing secrets valid now: the current one, and a rolled-out one until its expiry. */
export async function getWebhookSecrets(
  q: Queryable,
  vault: Vault,
  connectorId: string,
  now = new Date(),
): Promise<string[]> {
  const { rows } = await q.query<{ webhook_secrets_enc: SealedWebhookSecret[] }>(
    'SELECT webhook_secrets_enc FROM connectors WHERE id = $1',
    [connectorId],
  );
  return (rows[0]?.webhook_secrets_enc ?? [])
    .filter((s) => !s.expires_at || new Date(s.expires_at) > now)
    .map((s) => vault.decrypt(s.enc));
}

/** Adds a new signing secret; the previous ones stay valid for `graceSeconds` (rotation window). */
export async function rollWebhookSecret(
  q: Queryable,
  vault: Vault,
  connectorId: string,
  newSecret: string,
  graceSeconds = 24 * 3600,
): Promise<void> {
  const { rows } = await q.query<{ webhook_secrets_enc: SealedWebhookSecret[] }>(
    'SELECT webhook_secrets_enc FROM connectors WHERE id = $1',
    [connectorId],
  );
  const until = new Date(Date.now() + graceSeconds * 1000).toISOString();
  const kept = (rows[0]?.webhook_secrets_enc ?? [])
    .filter((s) => !s.expires_at || new Date(s.expires_at) > new Date())
    .map((s) => ({ ...s, expires_at: s.expires_at ?? until }));
  const next = [{ enc: vault.encrypt(newSecret), mask: maskSecret(newSecret), expires_at: null }, ...kept];
  await q.query('UPDATE connectors SET webhook_secrets_enc = $2::jsonb, updated_at = now() WHERE id = $1', [
    connectorId,
    JSON.stringify(next),
  ]);
}

export async function setConnectorStatus(
  q: Queryable,
  connectorId: string,
  status: ConnectorStatus,
  reason: string | null = null,
): Promise<void> {
  await q.query(
    `UPDATE connectors SET status = $2, status_reason = $3, updated_at = now(),
       connected_at = CASE WHEN $2 = 'connected' AND connected_at IS NULL THEN now() ELSE connected_at END
     WHERE id = $1`,
    [connectorId, status, reason],
  );
}

/** Replaces the API key (same Stripe account); every stored row stays. */
export async function replaceApiKey(
  q: Queryable,
  vault: Vault,
  connectorId: string,
  apiKey: string,
): Promise<void> {
  await q.query(
    'UPDATE connectors SET api_key_enc = $2, api_key_mask = $3, livemode = $4, updated_at = now() WHERE id = $1',
    [connectorId, vault.encrypt(apiKey), maskSecret(apiKey), apiKey.includes('_live_')],
  );
}

/** Forgets the key and every signing secret: nothing can call Stripe or verify a delivery after this. */
export async function eraseCredentials(q: Queryable, connectorId: string, reason: string): Promise<void> {
  await q.query(
    `UPDATE connectors SET api_key_enc = NULL, api_key_mask = NULL, webhook_secrets_enc = '[]'::jsonb,
       status = 'not_connected', status_reason = $2, updated_at = now() WHERE id = $1`,
    [connectorId, reason],
  );
}
