import type { Config } from '../config/config.ts';
import type { Queryable } from '../db/client.ts';
import type { Connector } from './connectors.ts';
import { EVENTS_TO_SELECT } from './troubleshooting.ts';

/** The Connector object of the REST contract: masks only, never a credential. */

export function publicBaseUrl(config: Pick<Config, 'publicUrl' | 'host' | 'port'>): string {
  return (config.publicUrl ?? `http://${config.host}:${config.port}`).replace(/\/+$/, '');
}

/**
 * `/webhooks/stripe` serves the default workspace's only connector; any other connector (another
 * workspace, or a deployment holding several) needs its own URL.
 */
export async function webhookUrlFor(q: Queryable, connector: Connector, baseUrl: string): Promise<string> {
  const { rows } = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM connectors WHERE workspace_id = 'default'`,
  );
  const shared = connector.workspaceId === 'default' && rows[0]!.n === 1;
  return shared ? `${baseUrl}/webhooks/stripe` : `${baseUrl}/webhooks/stripe/${connector.id}`;
}

export async function presentConnector(q: Queryable, connector: Connector, baseUrl: string) {
  return {
    id: connector.id,
    name: connector.name,
    status: connector.status,
    status_reason: connector.statusReason,
    livemode: connector.livemode,
    api_key_mask: connector.apiKeyMask,
    webhook_secret_masks: connector.webhookSecretMasks,
    webhook_url: await webhookUrlFor(q, connector, baseUrl),
    events_to_select: [...EVENTS_TO_SELECT],
    sandbox: connector.apiBase !== null,
    connected_at: connector.connectedAt,
    last_event_at: connector.lastEventAt,
    created_at: connector.createdAt,
  };
}
