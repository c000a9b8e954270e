import type { Queryable } from '../db/client.ts';
import { familySpec } from '../store/families.ts';
import type { ConnectorStripe } from '../stripe/client.ts';
import type { StripeObject } from '../stripe/readers.ts';
import type { ObjectFetcher } from './apply-event.ts';

/**
 * Re-reads one object through the connector's Stripe client (budgeted, retried), for same-second
 * ties. Families without a retrieve endpoint of their own (nested lists) answer null, and so does a
 * failed read: the tie then falls back to processing order instead of failing the event.
 */
export function stripeObjectFetcher(
  clientFor: (connectorId: string, q?: Queryable) => Promise<ConnectorStripe | null>,
): ObjectFetcher {
  return async (tx, scope, ref) => {
    const spec = familySpec(ref.family);
    if (!spec.listPath || ref.family === 'events') return null;
    const client = await clientFor(scope.connectorId, tx);
    if (!client) return null;
    try {
      const { body, sourceTs } = await client.get<StripeObject>(
        `${spec.listPath}/${encodeURIComponent(ref.id)}`,
      );
      return { object: body, sourceTs };
    } catch (error) {
      // A 404 means the object is gone in Stripe: record it as a deletion.
      if ((error as { status?: number }).status === 404) {
        return { object: { id: ref.id, object: spec.objectTypes[0]!, deleted: true }, sourceTs: 0 };
      }
      return null;
    }
  };
}
