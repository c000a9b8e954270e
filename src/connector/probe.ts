import { checkPermissions } from '../stripe/check-permissions.ts';
import { createStripeClient } from '../stripe/client.ts';
import { StripeRequestError } from '../stripe/errors.ts';
import { REQUIRED_PERMISSIONS } from '../stripe/permissions.ts';
import { ConnectorError } from './errors.ts';
import { TROUBLESHOOTING } from './troubleshooting.ts';

/**
 * Checks a key against Stripe: each required permission probed by a `limit=1` list, so the admin
 * learns every missing one at once. A revoked key and an unreachable Stripe are their own errors.
 */

export interface PermissionCheckResult {
  permission: string;
  label: string;
  ok: boolean;
  message: string;
}

export interface KeyProbe {
  checks: PermissionCheckResult[];
  missing: PermissionCheckResult[];
}

export async function probeKey(input: { apiKey: string; apiBase?: string | null }): Promise<KeyProbe> {
  let client: ReturnType<typeof createStripeClient>;
  try {
    client = createStripeClient({
      apiKey: input.apiKey,
      apiBase: input.apiBase ?? undefined,
      maxRetries: 1,
      timeoutMs: 10_000,
    });
  } catch (error) {
    throw new ConnectorError(400, 'invalid_api_base', (error as Error).message, { cause: error });
  }
  let result: Awaited<ReturnType<typeof checkPermissions>>;
  try {
    result = await checkPermissions(client);
  } catch (error) {
    throw probeFailure(error);
  }
  const granted = new Set(result.granted.map((p) => p.resource));
  const checks = REQUIRED_PERMISSIONS.map((p) => {
    const ok = granted.has(p.resource);
    return {
      permission: `read_only.${p.resource}`,
      label: p.label,
      ok,
      message: ok
        ? `${p.label}: granted`
        : `${p.label} is missing: edit the restricted key in Stripe (Developers, API keys) and grant it`,
    };
  });
  return { checks, missing: checks.filter((c) => !c.ok) };
}

/** A failure other than a missing permission, as the API shows it (kind kept for the health page). */
export function probeFailure(error: unknown): ConnectorError {
  if (error instanceof StripeRequestError && error.kind === 'authentication')
    return new ConnectorError(400, 'invalid_api_key', TROUBLESHOOTING.revokedKey, {
      details: { kind: 'authentication' },
      cause: error,
    });
  if (error instanceof StripeRequestError)
    return new ConnectorError(502, 'stripe_unavailable', error.message, {
      details: { kind: error.kind },
      cause: error,
    });
  return new ConnectorError(
    502,
    'stripe_unavailable',
    `Could not check the key with Stripe: ${(error as Error).message}. Check the API base URL and the network, then try again.`,
    { details: { kind: 'connection' }, cause: error },
  );
}

export const keyMode = (apiKey: string): 'live' | 'test' => (/^(sk|rk)_live_/.test(apiKey) ? 'live' : 'test');
