import { type Connector, getConnector, getWebhookSecrets, listConnectors } from '../connector/connectors.ts';
import type { Vault } from '../connector/vault.ts';
import type { Queryable } from '../db/client.ts';

/**
 * The connector and its valid signing secrets, as intake needs them on every delivery. Cached for a
 * short while so a burst does not read and decrypt per request; a signature that matches none of the
 * cached secrets always re-reads them first, so a secret added a moment ago is honoured at once.
 */

export interface IntakeConnector {
  connector: Connector;
  secrets: string[];
}

export interface ConnectorCache {
  get(connectorId: string, options?: { fresh?: boolean }): Promise<IntakeConnector | null>;
  /** The deployment's single connector (`POST /webhooks/stripe`): the default workspace's only one. */
  defaultConnectorId(): Promise<{ id: string } | { error: 'none' | 'several' }>;
  invalidate(connectorId?: string): void;
}

export function createConnectorCache(options: {
  db: Queryable;
  vault: Vault;
  ttlMs: number;
}): ConnectorCache {
  // Promises, so a burst arriving as an entry expires (or a run of signature misses) waits for ONE read.
  const entries = new Map<string, { value: Promise<IntakeConnector | null>; until: number }>();
  let defaultId: { value: { id: string } | { error: 'none' | 'several' }; until: number } | undefined;

  async function load(connectorId: string): Promise<IntakeConnector | null> {
    const connector = await getConnector(options.db, connectorId);
    if (!connector) return null;
    return { connector, secrets: await getWebhookSecrets(options.db, options.vault, connectorId) };
  }

  return {
    get(connectorId, { fresh = false } = {}) {
      const hit = entries.get(connectorId);
      if (hit && (hit.until > Date.now() || hit.until === 0) && !(fresh && hit.until !== 0)) return hit.value;
      // until = 0 while loading: a fresh read asked for meanwhile shares the one in progress.
      const entry = { value: load(connectorId), until: 0 };
      entries.set(connectorId, entry);
      entry.value.then(
        () => {
          if (entries.get(connectorId) === entry) entry.until = Date.now() + options.ttlMs;
        },
        () => {
          // A failed read is not cached: the next delivery tries again.
          if (entries.get(connectorId) === entry) entries.delete(connectorId);
        },
      );
      return entry.value;
    },
    async defaultConnectorId() {
      if (defaultId && defaultId.until > Date.now()) return defaultId.value;
      const all = await listConnectors(options.db, 'default');
      const value =
        all.length === 1
          ? { id: all[0]!.id }
          : { error: all.length === 0 ? ('none' as const) : ('several' as const) };
      defaultId = { value, until: Date.now() + options.ttlMs };
      return value;
    },
    invalidate(connectorId) {
      if (connectorId) entries.delete(connectorId);
      else entries.clear();
      defaultId = undefined;
    },
  };
}
