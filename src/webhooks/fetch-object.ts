import type { Queryable } from '../db/client.ts';
import { familySpec } from '../store/families.ts';
import type { ConnectorStripe } from '../stripe/client.ts';
import type { StripeObject } from '../stripe/readers.ts';
import type { ObjectFetcher } from './apply-event.ts';

/**
 * Re-reads one object through the connector's Stripe client (budgeted), for same-second ties.
 * Families without a retrieve endpoint of their own (nested lists) answer null, and so does a
 * failed read: the tie then falls back to processing order instead of failing the event.
 *
 * The read is best-effort, so it is bounded: one retry and a short timeout, and after a failure
 * the connector's ties skip Stripe for `pauseAfterFailureMs`. Without that, a worker waited out the
 * client's full retry schedule (about a minute) per tie while Stripe was unreachable, and the inbox
 * stopped draining.
 */

export interface TieFetchOptions {
  timeoutMs: number;
  maxRetries: number;
  pauseAfterFailureMs: number;
  now?: () => number;
}

export const TIE_FETCH_DEFAULTS: TieFetchOptions = {
  timeoutMs: 5000,
  maxRetries: 1,
  pauseAfterFailureMs: 60_000,
};

export function stripeObjectFetcher(
  clientFor: (connectorId: string, q?: Queryable) => Promise<ConnectorStripe | null>,
  options: TieFetchOptions = TIE_FETCH_DEFAULTS,
): ObjectFetcher {
  const now = options.now ?? Date.now;
  const pausedUntil = new Map<string, number>();
  return async (tx, scope, ref) => {
    const spec = familySpec(ref.family);
    if (!spec.listPath || ref.family === 'events') return null;
    if ((pausedUntil.get(scope.connectorId) ?? 0) > now()) return null;
    const client = await clientFor(scope.connectorId, tx);
    if (!client) return null;
    try {
      const { body, sourceTs } = await client.get<StripeObject>(
        `${spec.listPath}/${encodeURIComponent(ref.id)}`,
        {},
        { timeoutMs: options.timeoutMs, maxRetries: options.maxRetries },
      );
      return { object: body, sourceTs };
    } catch (error) {
      // A 404 means the object is gone in Stripe: record it as a deletion.
      if ((error as { status?: number }).status === 404) {
        return { object: { id: ref.id, object: spec.objectTypes[0]!, deleted: true }, sourceTs: 0 };
      }
      pausedUntil.set(scope.connectorId, now() + options.pauseAfterFailureMs);
      return null;
    }
  };
}
