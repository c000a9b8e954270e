import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { getConnector } from '../../connector/connectors.ts';
import { getInboxEvent, INBOX_STATUSES, inboxCounts, listInbox } from '../../webhooks/inbox/list.ts';
import { requeueEvent } from '../../webhooks/inbox/park.ts';
import { readIntakeStats } from '../../webhooks/intake-stats.ts';
import { principalOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError, notFound } from '../errors.ts';

/**
 * The webhook inbox of a connector: events by status (parked ones to look at), one event with its
 * (redacted) payload, a manual retry, and the intake counters the health page shows.
 */

const listQuery = z.object({
  status: z.enum(INBOX_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Cursor: the `next_cursor` of the previous page. */
  cursor: z.string().optional(),
});

function decodeCursor(cursor: string): { receivedAt: Date; eventId: string } {
  try {
    const [at, eventId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const receivedAt = new Date(at);
    if (Number.isNaN(receivedAt.getTime()) || typeof eventId !== 'string') throw new Error('bad cursor');
    return { receivedAt, eventId };
  } catch (error) {
    throw new ApiError(
      400,
      'invalid_cursor',
      'The cursor is not one this API returned; start from the first page',
      {
        cause: String(error),
      },
    );
  }
}

export default async function eventRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { db } = deps;

  /** The connector, if it belongs to the caller's workspace (another workspace's is "not found"). */
  async function ownConnector(req: Parameters<typeof principalOf>[0], id: string) {
    const connector = await getConnector(db, id);
    if (!connector || connector.workspaceId !== principalOf(req).workspaceId) throw notFound('Connector');
    return connector;
  }

  app.get<{ Params: { id: string } }>('/api/connectors/:id/events', async (req) => {
    const connector = await ownConnector(req, req.params.id);
    const q = listQuery.parse(req.query ?? {});
    const rows = await listInbox(db, {
      connectorId: connector.id,
      status: q.status,
      limit: q.limit + 1,
      before: q.cursor ? decodeCursor(q.cursor) : undefined,
    });
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      data: page,
      has_more: rows.length > q.limit,
      next_cursor:
        rows.length > q.limit && last
          ? Buffer.from(JSON.stringify([last.receivedAt.toISOString(), last.eventId])).toString('base64url')
          : null,
    };
  });

  app.get<{ Params: { id: string; eventId: string } }>('/api/connectors/:id/events/:eventId', async (req) => {
    const connector = await ownConnector(req, req.params.id);
    const event = await getInboxEvent(db, { connectorId: connector.id, eventId: req.params.eventId });
    if (!event) throw notFound('Event');
    return event;
  });

  app.post<{ Params: { id: string; eventId: string } }>(
    '/api/connectors/:id/events/:eventId/retry',
    async (req, reply) => {
      const connector = await ownConnector(req, req.params.id);
      const key = { connectorId: connector.id, eventId: req.params.eventId };
      const event = await getInboxEvent(db, key);
      if (!event) throw notFound('Event');
      if (!(await requeueEvent(db, key))) {
        throw new ApiError(
          409,
          'not_retryable',
          `Event ${key.eventId} is ${event.status}; only parked or failed events can be retried`,
        );
      }
      deps.webhooks?.workers.wake();
      return reply.status(202).send({ ...(await getInboxEvent(db, key)), payload: undefined });
    },
  );

  app.get<{ Params: { id: string } }>('/api/connectors/:id/webhook-stats', async (req) => {
    const connector = await ownConnector(req, req.params.id);
    const [intake, queue] = await Promise.all([
      readIntakeStats(db, connector.id),
      inboxCounts(db, connector.id),
    ]);
    return { ...intake, queue, lastEventAt: connector.lastEventAt, status: connector.status };
  });
}
