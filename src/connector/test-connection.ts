import type { Db } from '../db/client.ts';
import { readIntakeStats } from '../webhooks/intake-stats.ts';
import { recordApiError } from './api-errors.ts';
import { type Connector, getApiKey, setConnectorStatus } from './connectors.ts';
import { ConnectorError } from './errors.ts';
import { probeKey } from './probe.ts';
import { TROUBLESHOOTING } from './troubleshooting.ts';
import type { Vault } from './vault.ts';

/**
 * Test connection: one probe of the key against Stripe and a look at recent deliveries, answered
 * as checks that say what works and, for what does not, the connector page's troubleshooting text.
 */

export interface ConnectionCheck {
  name: 'api_key' | 'permissions' | 'webhook_signature' | 'webhook_delivery' | 'event_processing';
  ok: boolean;
  message: string;
  troubleshooting?: string;
}

async function apiChecks(db: Db, vault: Vault, connector: Connector): Promise<ConnectionCheck[]> {
  const apiKey = await getApiKey(db, vault, connector.id);
  if (!apiKey)
    return [
      {
        name: 'api_key',
        ok: false,
        message: 'No API key is stored (the connector was disconnected). Roll in a new restricted key.',
        troubleshooting: TROUBLESHOOTING.revokedKey,
      },
    ];
  try {
    const { checks, missing } = await probeKey({ apiKey, apiBase: connector.apiBase });
    if (missing.length)
      await recordApiError(db, {
        connectorId: connector.id,
        kind: 'permission',
        message: missing.map((m) => m.label).join(', '),
      });
    return [
      { name: 'api_key', ok: true, message: `Stripe accepted the key ${connector.apiKeyMask}` },
      {
        name: 'permissions',
        ok: missing.length === 0,
        message: missing.length
          ? `Missing: ${missing.map((m) => m.label).join(', ')}`
          : `All ${checks.length} read permissions are granted`,
        troubleshooting: missing.length
          ? 'Edit the restricted key in Stripe (Developers, API keys) and grant customers, subscriptions, invoices, charges and events read.'
          : undefined,
      },
    ];
  } catch (error) {
    const failure = error instanceof ConnectorError ? error : undefined;
    const kind = (failure?.details as { kind?: string } | undefined)?.kind ?? 'connection';
    await recordApiError(db, { connectorId: connector.id, kind, message: failure?.message ?? String(error) });
    if (kind === 'authentication') {
      await setConnectorStatus(db, connector.id, 'error', TROUBLESHOOTING.revokedKey);
      return [
        {
          name: 'api_key',
          ok: false,
          message: `Stripe refused the key ${connector.apiKeyMask} (401)`,
          troubleshooting: TROUBLESHOOTING.revokedKey,
        },
      ];
    }
    return [{ name: 'api_key', ok: false, message: failure?.message ?? 'Stripe could not be reached' }];
  }
}

async function webhookChecks(db: Db, connector: Connector): Promise<ConnectionCheck[]> {
  const intake = await readIntakeStats(db, connector.id);
  const { rows } = await db.query<{ last_at: Date | null }>(
    `SELECT last_at FROM webhook_intake_counters WHERE connector_id = $1 AND counter = 'rejected:signature_mismatch'`,
    [connector.id],
  );
  const mismatchAt = rows[0]?.last_at ? new Date(rows[0].last_at) : null;
  const lastGood =
    intake.lastEventReceivedAt ?? (connector.lastEventAt ? new Date(connector.lastEventAt) : null);
  const checks: ConnectionCheck[] = [];
  // Rejections after the last good delivery mean Stripe signs with a secret Atlas does not hold.
  if (mismatchAt && (!lastGood || mismatchAt > lastGood)) {
    checks.push({
      name: 'webhook_signature',
      ok: false,
      message: `${intake.rejected.signature_mismatch ?? 0} deliveries were rejected because their signature does not match the stored signing secret`,
      troubleshooting: TROUBLESHOOTING.wrongSigningSecret,
    });
  } else if (lastGood) {
    checks.push({
      name: 'webhook_signature',
      ok: true,
      message: 'Deliveries are signed with a signing secret Atlas holds',
    });
  }
  checks.push(
    lastGood
      ? {
          name: 'webhook_delivery',
          ok: true,
          message: `Last event received ${lastGood.toISOString()} (${intake.accepted} accepted)`,
        }
      : {
          name: 'webhook_delivery',
          ok: false,
          message:
            'No event has arrived yet. In Stripe, click Send test webhook for customer.subscription.created.',
          troubleshooting: TROUBLESHOOTING.deliveryFailed,
        },
  );
  const { rows: parked } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM webhook_inbox WHERE connector_id = $1 AND status = 'parked'`,
    [connector.id],
  );
  if (parked[0]!.n > 0)
    checks.push({
      name: 'event_processing',
      ok: false,
      message: `${parked[0]!.n} events could not be processed and are parked; see the health page and retry them`,
    });
  return checks;
}

export async function testConnection(db: Db, vault: Vault, connector: Connector) {
  const checks = [...(await apiChecks(db, vault, connector)), ...(await webhookChecks(db, connector))];
  return { ok: checks.every((c) => c.ok), checks };
}
