import { setConnectorStatus } from '../connector/connectors.ts';
import type { Queryable } from '../db/client.ts';
import type { ConnectorCache } from './connector-cache.ts';
import { parseEvent } from './event.ts';
import type { GroupInsert } from './inbox/group-insert.ts';
import { insertEvent } from './inbox/insert-event.ts';
import type { IntakeStats } from './intake-stats.ts';
import type { WebhookMetrics } from './metrics.ts';
import { verifySignature } from './signature.ts';

/**
 * One delivery, from raw bytes to an answer: find the connector, check the signature on the raw body,
 * parse, check the mode, commit to the inbox, and only then say 2xx. Nothing is stored for a rejected
 * delivery; every rejection is counted by reason. Kept apart from Fastify so the rules read in one place.
 *
 * The fast path costs one HMAC and a share of one INSERT: the connector and its decrypted signing
 * secrets come from the in-memory cache, and the insert is grouped with concurrent deliveries.
 */

export type RejectReason =
  | 'no_signature_header'
  | 'signature_mismatch'
  | 'timestamp_outside_tolerance'
  | 'malformed_payload'
  | 'livemode_mismatch'
  | 'connector_not_found'
  | 'payload_too_large';

export type IntakeResult =
  | { kind: 'accepted' | 'duplicate'; status: 200; connectorId: string; eventId: string }
  | { kind: 'rejected'; status: 400 | 404 | 413; reason: RejectReason; message: string }
  | { kind: 'unavailable'; status: 503; reason: 'store_unavailable'; message: string };

export interface IntakeDeps {
  db: Queryable;
  /** The group commit (concurrent deliveries in one INSERT); absent: one INSERT per delivery. */
  insert?: GroupInsert;
  connectors: ConnectorCache;
  stats: IntakeStats;
  metrics: WebhookMetrics;
  toleranceSeconds: number;
  maxBodyBytes: number;
  /** Tells this process's workers there is new work (others find it by polling). */
  onAccepted?: () => void;
  log?: { warn(obj: object, msg: string): void };
}

const MESSAGES: Record<Exclude<RejectReason, 'connector_not_found'>, string> = {
  no_signature_header:
    'The request has no Stripe-Signature header. Point a Stripe webhook endpoint at this URL; Stripe signs every delivery.',
  signature_mismatch:
    'The Stripe-Signature does not match this connector’s signing secret (No such webhook signing secret?). ' +
    'Copy the endpoint’s signing secret (Developers → Webhooks → Reveal) into the connector settings, and make ' +
    'sure nothing re-encodes the body on the way.',
  timestamp_outside_tolerance:
    'The Stripe-Signature timestamp is more than the allowed tolerance away from this server’s clock. ' +
    'Check the server clock (NTP); replayed deliveries are refused.',
  malformed_payload: 'The body is not a Stripe event.',
  livemode_mismatch:
    'The event’s livemode does not match the connector’s key mode: a test-mode endpoint is sending to a live ' +
    'connector or the other way round. Use the per-connector URL of the connector of the right mode.',
  payload_too_large: 'The body is larger than a Stripe event can be.',
};

export function createIntake(deps: IntakeDeps) {
  function reject(connectorId: string | null, reason: RejectReason, message?: string): IntakeResult {
    deps.metrics.rejected.inc({ connector: connectorId ?? 'unknown', reason });
    if (connectorId) deps.stats.record(connectorId, `rejected:${reason}`);
    const status = reason === 'connector_not_found' ? 404 : reason === 'payload_too_large' ? 413 : 400;
    return {
      kind: 'rejected',
      status,
      reason,
      message: message ?? MESSAGES[reason as keyof typeof MESSAGES],
    };
  }

  function unavailable(error: unknown): IntakeResult {
    deps.log?.warn(
      { err: error },
      'webhook intake could not reach the store; answering 503 so Stripe retries',
    );
    return {
      kind: 'unavailable',
      status: 503,
      reason: 'store_unavailable',
      message: 'The event could not be stored right now; Stripe will retry the delivery.',
    };
  }

  async function resolveConnectorId(connectorId: string | undefined): Promise<string | IntakeResult> {
    if (connectorId) return connectorId;
    const found = await deps.connectors.defaultConnectorId();
    if ('id' in found) return found.id;
    return reject(
      null,
      'connector_not_found',
      found.error === 'none'
        ? 'No Stripe connector is set up in this deployment. Connect Stripe first, then point the webhook endpoint here.'
        : 'This deployment has several Stripe connectors: use the per-connector URL /webhooks/stripe/{connector_id} shown on each connector page.',
    );
  }

  return async function receive(request: {
    connectorId?: string;
    rawBody: Buffer;
    signatureHeader: string | undefined;
  }): Promise<IntakeResult> {
    let target: Awaited<ReturnType<ConnectorCache['get']>>;
    let connectorId: string;
    try {
      const resolved = await resolveConnectorId(request.connectorId);
      if (typeof resolved !== 'string') return resolved;
      connectorId = resolved;
      target = await deps.connectors.get(connectorId);
    } catch (error) {
      return unavailable(error);
    }
    if (!target) {
      return reject(
        null,
        'connector_not_found',
        `No connector "${connectorId}". Copy the webhook URL from the connector page.`,
      );
    }
    if (request.rawBody.length > deps.maxBodyBytes) return reject(connectorId, 'payload_too_large');

    const check = (secrets: string[]) =>
      verifySignature({
        rawBody: request.rawBody,
        header: request.signatureHeader,
        secrets,
        toleranceSeconds: deps.toleranceSeconds,
      });
    let signature = check(target.secrets);
    if (!signature.ok && signature.reason === 'signature_mismatch') {
      // A secret rolled a moment ago may not be in the cache yet: re-read before refusing.
      try {
        target = (await deps.connectors.get(connectorId, { fresh: true })) ?? target;
      } catch (error) {
        return unavailable(error);
      }
      signature = check(target.secrets);
    }
    if (!signature.ok) {
      const message =
        signature.reason === 'signature_mismatch' && target.secrets.length === 0
          ? 'This connector has no webhook signing secret yet. Paste the endpoint’s signing secret (whsec_…) into the connector settings.'
          : undefined;
      return reject(connectorId, signature.reason, message);
    }

    const parsed = parseEvent(request.rawBody);
    if (!parsed.ok) return reject(connectorId, 'malformed_payload', `${parsed.message}.`);
    const { event } = parsed;
    const { connector } = target;
    if (connector.livemode !== null && event.livemode !== connector.livemode) {
      return reject(connectorId, 'livemode_mismatch');
    }

    let outcome: 'inserted' | 'duplicate';
    try {
      const input = { workspaceId: connector.workspaceId, connectorId, event, source: 'webhook' as const };
      outcome = deps.insert ? await deps.insert(input) : await insertEvent(deps.db, input);
    } catch (error) {
      return unavailable(error);
    }
    deps.metrics.lastReceived.set({ connector: connectorId }, Date.now() / 1000);
    if (outcome === 'duplicate') {
      deps.metrics.duplicates.inc({ connector: connectorId });
      deps.stats.record(connectorId, 'duplicate');
      return { kind: 'duplicate', status: 200, connectorId, eventId: event.id };
    }
    deps.metrics.accepted.inc({ connector: connectorId });
    deps.stats.record(connectorId, 'accepted');
    deps.onAccepted?.();
    if (connector.status === 'awaiting_test_event') {
      // The first valid event proves the endpoint and secret work end to end.
      try {
        await setConnectorStatus(deps.db, connectorId, 'connected');
        await deps.db.query(`UPDATE connectors SET last_event_at = now() WHERE id = $1`, [connectorId]);
        deps.connectors.invalidate(connectorId);
      } catch (error) {
        deps.log?.warn({ err: error }, 'could not mark the connector connected; the next event will');
      }
    }
    return { kind: 'accepted', status: 200, connectorId, eventId: event.id };
  };
}

export type Intake = ReturnType<typeof createIntake>;
