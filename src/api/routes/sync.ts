import type { FastifyInstance } from 'fastify';
import { getConnector } from '../../connector/connectors.ts';
import { principalOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError, notFound } from '../errors.ts';

/** Start a backfill for a connector and read its progress and last result. */
export default async function syncRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const runner = () => {
    if (!deps.sync) throw new ApiError(503, 'sync_unavailable', 'Syncing is not enabled on this server.');
    return deps.sync;
  };

  /** The connector, if it belongs to the caller's workspace; another workspace's is a 404. */
  async function ownConnector(workspaceId: string, id: string) {
    const connector = await getConnector(deps.db, id);
    if (!connector || connector.workspaceId !== workspaceId) throw notFound('Connector');
    return connector;
  }

  app.post<{ Params: { id: string } }>('/api/connectors/:id/sync', async (req, reply) => {
    const p = principalOf(req);
    const connector = await ownConnector(p.workspaceId, req.params.id);
    if (!connector.apiKeyMask)
      throw new ApiError(409, 'not_connected', 'The connector has no Stripe key yet: connect it first.');
    const { started } = await runner().start(connector.id);
    if (!started)
      throw new ApiError(
        409,
        'sync_running',
        'A sync is already running for this connector; follow it with GET.',
      );
    return reply.status(202).send(await runner().status(connector.id));
  });

  app.get<{ Params: { id: string } }>('/api/connectors/:id/sync', async (req) => {
    const p = principalOf(req);
    const connector = await ownConnector(p.workspaceId, req.params.id);
    return runner().status(connector.id);
  });
}
