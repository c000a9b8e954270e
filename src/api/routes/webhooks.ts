import type { FastifyInstance, FastifyReply } from 'fastify';
import type { IntakeResult } from '../../webhooks/intake.ts';
import { createWebhookService, type WebhookService } from '../../webhooks/service.ts';
import type { AppDeps } from '../deps.ts';

/**
 * POST /webhooks/stripe (the deployment's single connector) and /webhooks/stripe/:connectorId.
 * The body is kept as raw bytes (a content-type parser scoped to this plugin) because the signature
 * is over the exact bytes Stripe sent; intake does the rest. Public: Stripe authenticates by signature.
 */

const services = new WeakMap<object, WebhookService>();

/** An intake-only service when the app is built without one (tests that build the app alone). */
function serviceFor(deps: AppDeps): WebhookService {
  if (deps.webhooks) return deps.webhooks;
  let s = services.get(deps.db);
  if (!s) {
    s = createWebhookService({ db: deps.db, vault: deps.vault, registry: deps.registry });
    s.stats.start(s.settings.statsFlushMs);
    services.set(deps.db, s);
  }
  return s;
}

function answer(reply: FastifyReply, result: IntakeResult) {
  if (result.status === 200) {
    return reply
      .status(200)
      .send({ received: true, duplicate: result.kind === 'duplicate', id: result.eventId });
  }
  if (result.status === 503) reply.header('retry-after', '5');
  return reply.status(result.status).send({ error: { code: result.reason, message: result.message } });
}

export default async function webhookRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const service = serviceFor(deps);
  const limit = service.settings.maxBodyBytes;
  const keepRaw = (_req: unknown, body: Buffer, done: (err: null, body: Buffer) => void) => done(null, body);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limit }, keepRaw);

  // Over-limit bodies are refused by Fastify before the handler runs: count them like any rejection.
  app.setErrorHandler(async (error, request, reply) => {
    const e = error as { statusCode?: number };
    if (e.statusCode === 413) {
      const id = (request.params as { connectorId?: string }).connectorId;
      // Only a connector that exists gets a counter row: a made-up id in the URL must not create one.
      const known = id ? await service.connectors.get(id).catch(() => null) : null;
      service.metrics.rejected.inc({
        connector: known ? known.connector.id : 'unknown',
        reason: 'payload_too_large',
      });
      if (known) service.stats.record(known.connector.id, 'rejected:payload_too_large');
      return reply.status(413).send({
        error: {
          code: 'payload_too_large',
          message: `The body is larger than ${limit} bytes; no Stripe event is.`,
        },
      });
    }
    throw error;
  });

  const handle = async (connectorId: string | undefined, rawBody: unknown, header: unknown) =>
    service.receive({
      connectorId,
      rawBody: Buffer.isBuffer(rawBody) ? rawBody : Buffer.alloc(0),
      signatureHeader: typeof header === 'string' ? header : undefined,
    });

  app.post('/webhooks/stripe', { config: { public: true } }, async (req, reply) =>
    answer(reply, await handle(undefined, req.body, req.headers['stripe-signature'])),
  );
  app.post<{ Params: { connectorId: string } }>(
    '/webhooks/stripe/:connectorId',
    { config: { public: true } },
    async (req, reply) =>
      answer(reply, await handle(req.params.connectorId, req.body, req.headers['stripe-signature'])),
  );
}
