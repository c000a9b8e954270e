import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { connect } from '../../connector/connect.ts';
import { type Connector, getConnector, listConnectors } from '../../connector/connectors.ts';
import { disconnectConnector } from '../../connector/erase.ts';
import { ConnectorError } from '../../connector/errors.ts';
import { connectorHealth } from '../../connector/health.ts';
import { presentConnector, publicBaseUrl } from '../../connector/present.ts';
import { rollCredentials } from '../../connector/roll.ts';
import { testConnection } from '../../connector/test-connection.ts';
import { principalOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError, notFound } from '../errors.ts';

/** A runner that can stop one connector's backfill (not part of SyncRunner yet). */
type StoppableSync = NonNullable<AppDeps['sync']> & { stop?(connectorId: string): Promise<void> };

const connectBody = z.object({
  api_key: z.string().trim().min(1).max(300),
  webhook_secret: z.string().trim().min(1).max(300),
  api_base: z.url().max(300).optional(),
  name: z.string().min(1).max(100).optional(),
});
const rollBody = z.object({
  api_key: z.string().trim().min(1).max(300).optional(),
  webhook_secret: z.string().trim().min(1).max(300).optional(),
});

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ConnectorError)
      throw new ApiError(error.status, error.code, error.message, error.details);
    throw error;
  }
}

export default async function connectorRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { db, vault, config } = deps;
  const sync = deps.sync as StoppableSync | undefined;
  // Intake caches connectors and their secrets briefly: changes here must be seen at once.
  const forgetCached = (id: string) => deps.webhooks?.connectors.invalidate(id);
  const baseUrl = publicBaseUrl(config);
  const present = (c: Connector) => presentConnector(db, c, baseUrl);

  /** The connector when it belongs to the caller's workspace; another workspace's id is a 404. */
  async function own(req: FastifyRequest<{ Params: { id: string } }>): Promise<Connector> {
    const c = await getConnector(db, req.params.id);
    if (!c || c.workspaceId !== principalOf(req).workspaceId) throw notFound('Connector');
    return c;
  }

  app.get('/api/connectors', async (req) => {
    const list = await listConnectors(db, principalOf(req).workspaceId);
    return { data: await Promise.all(list.map(present)), next_cursor: null };
  });

  app.get<{ Params: { id: string } }>('/api/connectors/:id', async (req) => present(await own(req)));

  app.post('/api/connectors', async (req, reply) => {
    const p = principalOf(req);
    const body = connectBody.parse(req.body ?? {});
    const result = await call(() =>
      connect(db, vault, {
        workspaceId: p.workspaceId,
        actor: p.actor,
        apiKey: body.api_key,
        webhookSecret: body.webhook_secret,
        apiBase: body.api_base ?? null,
        name: body.name,
      }),
    );
    let syncStarted = false;
    if (sync) {
      try {
        syncStarted = (await sync.start(result.connector.id)).started;
      } catch (error) {
        req.log.warn({ err: error, connector: result.connector.id }, 'backfill did not start after connect');
      }
    }
    return reply.status(201).send({
      connector: await present(result.connector),
      checks: result.checks,
      warnings: result.warnings,
      sync_started: syncStarted,
    });
  });

  app.post<{ Params: { id: string } }>('/api/connectors/:id/test', async (req) => {
    const c = await own(req);
    return testConnection(db, vault, c);
  });

  app.get<{ Params: { id: string } }>('/api/connectors/:id/health', async (req) =>
    connectorHealth(db, await own(req)),
  );

  app.post<{ Params: { id: string } }>('/api/connectors/:id/roll', async (req) => {
    const c = await own(req);
    const body = rollBody.parse(req.body ?? {});
    const result = await call(() =>
      rollCredentials(db, vault, {
        connector: c,
        actor: principalOf(req).actor,
        apiKey: body.api_key,
        webhookSecret: body.webhook_secret,
      }),
    );
    forgetCached(c.id);
    return { connector: await present(result.connector), rolled: result.rolled, warnings: result.warnings };
  });

  app.delete<{ Params: { id: string }; Querystring: { delete_data?: string } }>(
    '/api/connectors/:id',
    async (req) => {
      const c = await own(req);
      const deleteData = ['true', '1', 'yes'].includes(String(req.query.delete_data ?? '').toLowerCase());
      // Stop the backfill first so no page lands after its rows were erased.
      if (sync?.stop) await sync.stop(c.id);
      else if (sync && (await sync.status(c.id)).running)
        throw new ApiError(
          409,
          'sync_running',
          'A backfill is running for this connector; wait for it to finish (GET /api/connectors/:id/sync), then disconnect',
        );
      const result = await disconnectConnector(db, {
        connector: c,
        actor: principalOf(req).actor,
        deleteData,
      });
      forgetCached(c.id);
      return result;
    },
  );
}
