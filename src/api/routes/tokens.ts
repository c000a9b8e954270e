import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createApiToken, listApiTokens, revokeApiToken } from '../../auth/tokens.ts';
import { principalOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { notFound } from '../errors.ts';

const createBody = z.object({
  name: z.string().min(1).max(100),
  scope: z.enum(['read', 'write']).default('read'),
});

export default async function tokenRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  app.get('/api/tokens', async (req) => ({ data: await listApiTokens(db, principalOf(req).workspaceId) }));

  app.post('/api/tokens', async (req, reply) => {
    const p = principalOf(req);
    const body = createBody.parse(req.body ?? {});
    const { token, info } = await createApiToken(db, { workspaceId: p.workspaceId, ...body, actor: p.actor });
    return reply.status(201).send({ ...info, token });
  });

  app.delete<{ Params: { id: string } }>('/api/tokens/:id', async (req) => {
    const p = principalOf(req);
    if (!(await revokeApiToken(db, req.params.id, { workspaceId: p.workspaceId, actor: p.actor })))
      throw notFound('Token');
    return { revoked: true };
  });
}
