import { type FullRecomputeResult, recomputeAll } from '../accounts/recompute.ts';
import { recordApiError } from '../connector/api-errors.ts';
import type { Db } from '../db/client.ts';
import type { ObjectScope } from '../store/apply-object.ts';
import { StripeRequestError } from '../stripe/errors.ts';

/**
 * What follows a sync, shared by the server's runner and the CLI: the connector's accounts are
 * recomputed once the backfill has stored everything (so health shows right after the first sync),
 * and a sync that died on a Stripe error is counted on the health page's "API errors by kind".
 */

/** Links the connector's customers to accounts and recomputes their figures. */
export function recomputeAfterSync(db: Db, scope: ObjectScope): Promise<FullRecomputeResult> {
  return recomputeAll(db, { workspaceId: scope.workspaceId, connectorId: scope.connectorId });
}

/** Records a sync failure by kind when Stripe caused it; other failures are not API errors. */
export async function recordSyncFailure(db: Db, connectorId: string, error: unknown): Promise<void> {
  if (!(error instanceof StripeRequestError)) return;
  await recordApiError(db, { connectorId, kind: error.kind, message: error.message });
}
