import type { Registry } from 'prom-client';
import { getApiKey, getConnector } from '../connector/connectors.ts';
import type { Vault } from '../connector/vault.ts';
import type { Queryable } from '../db/client.ts';
import { type ConnectorStripe, createStripeClient } from '../stripe/client.ts';

/**
 * One Stripe client per connector for this process (so the connector's rate budget is one bucket
 * here), rebuilt when its key, API base or rate limit changes.
 */
/** `q`: the caller's transaction when it holds one (PGlite has a single connection). */
export type ClientFor = (connectorId: string, q?: Queryable) => Promise<ConnectorStripe | null>;

export function connectorClients(options: { db: Queryable; vault: Vault; registry?: Registry }): ClientFor {
  const cache = new Map<string, { fingerprint: string; client: ConnectorStripe }>();
  return async (connectorId, q = options.db) => {
    const connector = await getConnector(q, connectorId);
    if (!connector?.apiKeyMask) return null;
    const fingerprint = `${connector.apiKeyMask}|${connector.apiBase ?? ''}|${connector.rateLimitRps ?? ''}`;
    const hit = cache.get(connectorId);
    if (hit?.fingerprint === fingerprint) return hit.client;
    const apiKey = await getApiKey(q, options.vault, connectorId);
    if (!apiKey) return null;
    const client = createStripeClient({
      apiKey,
      apiBase: connector.apiBase ?? undefined,
      rateLimitRps: connector.rateLimitRps ?? undefined,
      registry: options.registry,
      connectorId,
    });
    cache.set(connectorId, { fingerprint, client });
    return client;
  };
}
