import { createHash } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { Vault } from '../connector/vault.ts';
import type { Queryable } from '../db/client.ts';
import { type ConnectorStripe, createStripeClient } from '../stripe/client.ts';

/**
 * One Stripe client per connector for this process, so the connector's rate budget is ONE bucket
 * whoever calls Stripe (webhook catch-up, tie re-reads, the sync runner). A client is rebuilt when
 * the key, the API base or the rate limit changes. The key is compared by a SHA-256 of the real key,
 * never by its mask: a rolled key with the same last four characters must get a new client, and the
 * cache must not hold the key itself in a comparable form.
 */

/** `q`: the caller's transaction when it holds one (PGlite has a single connection). */
export type ClientFor = (connectorId: string, q?: Queryable) => Promise<ConnectorStripe | null>;

export interface ConnectorClients {
  /** The connector's shared client, or null when it has no key. */
  clientFor: ClientFor;
  /** Drops a connector's client (disconnect); the next call builds a new one. */
  forget(connectorId?: string): void;
}

export function keyFingerprint(input: {
  apiKey: string;
  apiBase: string | null;
  rateLimitRps: number | null;
}): string {
  const keyHash = createHash('sha256').update(input.apiKey).digest('hex');
  return `${keyHash}|${input.apiBase ?? ''}|${input.rateLimitRps ?? ''}`;
}

export function createConnectorClients(options: {
  db: Queryable;
  vault: Vault;
  registry?: Registry;
  /** Budget when the connector sets none (config.rateLimitRps); default: the key mode's. */
  rateLimitRps?: number;
}): ConnectorClients {
  const cache = new Map<string, { fingerprint: string; client: ConnectorStripe }>();
  const clientFor: ClientFor = async (connectorId, q = options.db) => {
    const { rows } = await q.query<{
      api_key_enc: string | null;
      api_base: string | null;
      rate_limit_rps: string | number | null;
    }>('SELECT api_key_enc, api_base, rate_limit_rps FROM connectors WHERE id = $1', [connectorId]);
    const row = rows[0];
    if (!row?.api_key_enc) {
      cache.delete(connectorId);
      return null;
    }
    const apiKey = options.vault.decrypt(row.api_key_enc);
    const rateLimitRps =
      row.rate_limit_rps === null ? (options.rateLimitRps ?? null) : Number(row.rate_limit_rps);
    const fingerprint = keyFingerprint({ apiKey, apiBase: row.api_base, rateLimitRps });
    const hit = cache.get(connectorId);
    if (hit?.fingerprint === fingerprint) return hit.client;
    const client = createStripeClient({
      apiKey,
      apiBase: row.api_base ?? undefined,
      rateLimitRps: rateLimitRps ?? undefined,
      registry: options.registry,
      connectorId,
    });
    cache.set(connectorId, { fingerprint, client });
    return client;
  };
  return {
    clientFor,
    forget(connectorId) {
      if (connectorId) cache.delete(connectorId);
      else cache.clear();
    },
  };
}

/** The client getter alone (tests, callers that need no `forget`). */
export function connectorClients(options: {
  db: Queryable;
  vault: Vault;
  registry?: Registry;
  rateLimitRps?: number;
}): ClientFor {
  return createConnectorClients(options).clientFor;
}
