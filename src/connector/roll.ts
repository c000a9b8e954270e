import { recordAudit } from '../auth/audit.ts';
import type { Db } from '../db/client.ts';
import { checkKeyShape, checkWebhookSecretShape, keyWarnings, requireAllPermissions } from './connect.ts';
import {
  type Connector,
  getConnector,
  replaceApiKey,
  rollWebhookSecret,
  setConnectorStatus,
} from './connectors.ts';
import { ConnectorError } from './errors.ts';
import { keyMode, probeKey } from './probe.ts';
import type { Vault } from './vault.ts';

/**
 * Rolling credentials keeps every stored row: the key is replaced after the new one passes the
 * same checks as Connect; a new signing secret is added while the old one stays valid for a
 * window, so deliveries signed with either are accepted during the switch-over in Stripe.
 */

export const WEBHOOK_SECRET_GRACE_SECONDS = 24 * 3600;

export interface RollInput {
  connector: Connector;
  actor: string;
  apiKey?: string;
  webhookSecret?: string;
  graceSeconds?: number;
}

export async function rollCredentials(
  db: Db,
  vault: Vault,
  input: RollInput,
): Promise<{ connector: Connector; rolled: string[]; warnings: string[] }> {
  const { connector } = input;
  if (!input.apiKey && !input.webhookSecret)
    throw new ConnectorError(400, 'invalid_request', 'Send api_key, webhook_secret, or both');
  if (input.apiKey) {
    checkKeyShape(input.apiKey);
    const mode = keyMode(input.apiKey);
    if (connector.livemode !== null && (mode === 'live') !== connector.livemode)
      throw new ConnectorError(
        400,
        'mode_mismatch',
        `The new key is a ${mode}-mode key but this connector holds ${connector.livemode ? 'live' : 'test'}-mode data. Roll to a key of the same mode, or connect a new connector.`,
      );
    requireAllPermissions((await probeKey({ apiKey: input.apiKey, apiBase: connector.apiBase })).checks);
  }
  if (input.webhookSecret) checkWebhookSecretShape(input.webhookSecret);

  const rolled: string[] = [];
  await db.transaction(async (tx) => {
    if (input.apiKey) {
      await replaceApiKey(tx, vault, connector.id, input.apiKey);
      rolled.push('api_key');
      // A key that failed authentication is what a roll fixes: the connector is usable again.
      if (connector.status === 'error' || connector.status === 'not_connected')
        await setConnectorStatus(
          tx,
          connector.id,
          connector.connectedAt ? 'connected' : 'awaiting_test_event',
        );
    }
    if (input.webhookSecret) {
      await rollWebhookSecret(
        tx,
        vault,
        connector.id,
        input.webhookSecret,
        input.graceSeconds ?? WEBHOOK_SECRET_GRACE_SECONDS,
      );
      rolled.push('webhook_secret');
    }
    const after = (await getConnector(tx, connector.id))!;
    await recordAudit(tx, {
      workspaceId: connector.workspaceId,
      actor: input.actor,
      action: input.apiKey ? 'connector.key_rolled' : 'connector.webhook_secret_rolled',
      target: connector.id,
      detail: { rolled, api_key: after.apiKeyMask, webhook_secrets: after.webhookSecretMasks },
    });
  });
  return {
    connector: (await getConnector(db, connector.id))!,
    rolled,
    warnings: input.apiKey ? keyWarnings(input.apiKey) : [],
  };
}
