import { recordAudit } from '../auth/audit.ts';
import type { Db } from '../db/client.ts';
import { type Connector, saveConnector } from './connectors.ts';
import { ConnectorError } from './errors.ts';
import { keyMode, type PermissionCheckResult, probeKey } from './probe.ts';
import type { Vault } from './vault.ts';

/**
 * Connect: check the key's shape and mode, probe every required permission, then store the
 * credentials sealed. Nothing is stored when a check fails, so a retry starts clean.
 */

export const API_KEY_PATTERN = /^(sk|rk)_(test|live)_[A-Za-z0-9_]{8,}$/;
export const WEBHOOK_SECRET_PATTERN = /^whsec_[A-Za-z0-9_+/=]{8,}$/;

export interface ConnectInput {
  workspaceId: string;
  actor: string;
  apiKey: string;
  webhookSecret: string;
  apiBase?: string | null;
  name?: string;
}

export interface ConnectResult {
  connector: Connector;
  checks: PermissionCheckResult[];
  warnings: string[];
}

export function checkKeyShape(apiKey: string): void {
  if (/^pk_/.test(apiKey))
    throw new ConnectorError(
      400,
      'invalid_api_key',
      'This is a publishable key (pk_…), which cannot read data. Create a restricted key (rk_…) in Stripe: Developers, API keys, Create restricted key.',
    );
  if (!API_KEY_PATTERN.test(apiKey))
    throw new ConnectorError(
      400,
      'invalid_api_key',
      'The API key must look like rk_test_… or rk_live_… (a restricted key; sk_… also works). Copy it again from Stripe: Developers, API keys.',
    );
}

export function checkWebhookSecretShape(secret: string): void {
  if (!WEBHOOK_SECRET_PATTERN.test(secret))
    throw new ConnectorError(
      400,
      'invalid_webhook_secret',
      'The signing secret must look like whsec_…: open the webhook endpoint in Stripe and click Reveal under Signing secret.',
    );
}

export function keyWarnings(apiKey: string): string[] {
  return apiKey.startsWith('sk_')
    ? [
        'This is a full secret key (sk_…) that can also write and move money. Atlas only reads: create a restricted key with customers, subscriptions, invoices, charges and events read, and roll to it (least privilege).',
      ]
    : [];
}

/** Throws 400 missing_permission naming every missing permission, with all checks in details. */
export function requireAllPermissions(checks: PermissionCheckResult[]): void {
  const missing = checks.filter((c) => !c.ok);
  if (missing.length === 0) return;
  const names = missing.map((c) => c.label).join(', ');
  throw new ConnectorError(
    400,
    'missing_permission',
    `The key lacks ${names}. Edit the restricted key in Stripe (Developers, API keys), grant ${missing.length > 1 ? 'them' : 'it'}, then connect again.`,
    { details: { checks, missing: missing.map((c) => c.permission) } },
  );
}

export async function connect(db: Db, vault: Vault, input: ConnectInput): Promise<ConnectResult> {
  checkKeyShape(input.apiKey);
  checkWebhookSecretShape(input.webhookSecret);
  const { checks } = await probeKey({ apiKey: input.apiKey, apiBase: input.apiBase });
  requireAllPermissions(checks);
  const connector = await db.transaction(async (tx) => {
    const saved = await saveConnector(tx, vault, {
      workspaceId: input.workspaceId,
      name: input.name,
      apiKey: input.apiKey,
      webhookSecret: input.webhookSecret,
      apiBase: input.apiBase ?? null,
      status: 'awaiting_test_event',
    });
    await recordAudit(tx, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      action: 'connector.connected',
      target: saved.id,
      detail: { api_key: saved.apiKeyMask, mode: keyMode(input.apiKey), sandbox: Boolean(input.apiBase) },
    });
    return saved;
  });
  return { connector, checks, warnings: keyWarnings(input.apiKey) };
}
