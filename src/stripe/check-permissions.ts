import type { ConnectorStripe } from './client.ts';
import { StripeRequestError } from './errors.ts';
import { type Permission, REQUIRED_PERMISSIONS } from './permissions.ts';

/**
 * Probes each permission Atlas needs with one `limit=1` list call, so Connect and Test connection
 * can say precisely which ones are missing instead of failing on the first. A revoked key or an
 * unreachable Stripe is not a permission problem: those errors are thrown as they are.
 */

const PROBE_PATH: Record<string, string> = {
  customers: '/v1/customers',
  subscriptions: '/v1/subscriptions',
  invoices: '/v1/invoices',
  charges: '/v1/charges',
  events: '/v1/events',
};

export interface PermissionCheck {
  ok: boolean;
  granted: Permission[];
  missing: Permission[];
}

export async function checkPermissions(
  client: ConnectorStripe,
  permissions: readonly Permission[] = REQUIRED_PERMISSIONS,
  options: { signal?: AbortSignal } = {},
): Promise<PermissionCheck> {
  const results = await Promise.all(
    permissions.map(async (p) => {
      const path = PROBE_PATH[p.resource] ?? `/v1/${p.resource}`;
      try {
        await client.list(path, { limit: 1 }, options);
        return { p, granted: true };
      } catch (error) {
        if (error instanceof StripeRequestError && error.kind === 'permission') return { p, granted: false };
        throw error;
      }
    }),
  );
  const missing = results.filter((r) => !r.granted).map((r) => r.p);
  return { ok: missing.length === 0, granted: results.filter((r) => r.granted).map((r) => r.p), missing };
}
